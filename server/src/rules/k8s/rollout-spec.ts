import { rolloutOf } from '../../engine/model/rollout';
import { rolloutProblems } from '../../engine/model/rolloutProblems';
import { defineRule } from '../../engine/core/rule';

export default defineRule({
  id: 'k8s/rollout-spec',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['deployment-frequency', 'change-failure-rate'],
  capabilities: ['continuous-delivery'],
  fixable: false,
  messages: {
    unknownStrategy: (key: string) =>
      `'${key}' is not a Rollout strategy (only 'canary' or 'blueGreen'); 'kubectl argo rollouts lint' and strict validation reject it, and without a known strategy the controller refuses the Rollout.`,
    noSurge: () =>
      "'maxSurge' and 'maxUnavailable' are both 0, so the controller could neither add a canary pod nor remove a stable one; Argo Rollouts rejects the Rollout.",
    experimentWeight: () =>
      "An experiment template 'weight' needs 'trafficRouting' with SMI, ALB, Istio or a plugin; otherwise Argo Rollouts rejects the Rollout.",
    twoStrategies: () => "A Rollout takes exactly one strategy, 'canary' or 'blueGreen'; with both, Argo Rollouts rejects the spec and deploys nothing.",
    noAction: (index: number) =>
      `Step ${index} sets no action; each step needs exactly one of setWeight, pause, analysis, experiment, setCanaryScale, setHeaderRoute, setMirrorRoute or plugin, or Argo Rollouts rejects the Rollout.`,
    emptyAction: (index: number, action: string) =>
      `Step ${index}: '${action}:' has no value, so the API server drops it and the step is empty; Argo Rollouts rejects the Rollout.${action === 'pause' ? " Write 'pause: {}' for a manual pause." : ''}`,
    severalActions: (index: number, first: string, second: string) =>
      `Step ${index} sets both '${first}' and '${second}'; Argo Rollouts rejects a step with more than one action. Split it into two steps.`,
    weightRange: (weight: number, max: number) => `'setWeight: ${weight}' is outside 0–${max}; Argo Rollouts rejects the Rollout.`,
    badPause: (text: string) =>
      `Pause duration '${text}' is negative or not a duration Argo Rollouts can read (seconds, or a number with a unit such as '30s', '5m', '1h'); it rejects the Rollout.`,
    needsRouting: (action: string, routers: string) =>
      `'${action}' needs 'trafficRouting'${routers ? ` with ${routers}` : ''}; without it Argo Rollouts rejects the Rollout.`,
    needsManagedRoutes: (action: string) =>
      `'${action}' needs the route listed in 'trafficRouting.managedRoutes'; without it Argo Rollouts rejects the Rollout.`,
    sameServices: (first: string, second: string, name: string) =>
      `'${first}' and '${second}' are both '${name}'; Argo Rollouts needs two different Services and rejects the Rollout.`,
  },
  docs: {
    summary: 'Rollout specs that Argo Rollouts refuses: steps with no or several actions, weights out of range, route steps without traffic routing, shared Services, two strategies.',
    rationale:
      'The Rollout CRD accepts these specs, so `kubectl apply` succeeds; the controller then validates the spec, marks the Rollout InvalidSpec and does not roll anything out. The pipeline reports a successful deploy while the old version keeps running, and the mistake is found only when someone wonders why the change is not live.',
    symptom:
      '`kubectl argo rollouts get rollout` shows status Degraded / InvalidSpec with messages such as "Step must have one of the following set", "SetCanaryScale requires TrafficRouting to be set" or "This rollout uses the same service for the active and preview services".',
    fix: 'Give each step exactly one action (split `{ setWeight: 20, pause: {} }` into two steps), keep setWeight within 0–100 (or `trafficRouting.maxTrafficWeight`), configure `trafficRouting` (and `managedRoutes`) before using setCanaryScale / setHeaderRoute / setMirrorRoute, use distinct Services, and keep one strategy.',
    bad: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 10
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:1.8.0
  strategy:
    canary:
      steps:
        - setWeight: 20
          pause: { duration: 5m }
`,
    good: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
spec:
  replicas: 10
  selector:
    matchLabels: { app: checkout }
  template:
    metadata:
      labels: { app: checkout }
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:1.8.0
  strategy:
    canary:
      steps:
        - setWeight: 20
        - pause: { duration: 5m }
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const rollout = rolloutOf(object, ctx.doc);
      if (!rollout) return;
      for (const problem of rolloutProblems(rollout)) {
        const { span } = problem;
        switch (problem.kind) {
          case 'unknownStrategy': ctx.report({ span, message: 'unknownStrategy', args: [problem.key] }); break;
          case 'twoStrategies': ctx.report({ span, message: 'twoStrategies', args: [] }); break;
          case 'sameServices': ctx.report({ span, message: 'sameServices', args: [problem.first, problem.second, problem.name] }); break;
          case 'noSurge': ctx.report({ span, message: 'noSurge', args: [] }); break;
          case 'severalActions': ctx.report({ span, message: 'severalActions', args: [problem.step, problem.first, problem.second] }); break;
          case 'emptyAction': ctx.report({ span, message: 'emptyAction', args: [problem.step, problem.action] }); break;
          case 'noAction': ctx.report({ span, message: 'noAction', args: [problem.step] }); break;
          case 'weightRange': ctx.report({ span, message: 'weightRange', args: [problem.weight, problem.max] }); break;
          case 'badPause': ctx.report({ span, message: 'badPause', args: [problem.text] }); break;
          case 'experimentWeight': ctx.report({ span, message: 'experimentWeight', args: [] }); break;
          case 'needsRouting': ctx.report({ span, message: 'needsRouting', args: [problem.action, problem.routers] }); break;
          case 'needsManagedRoutes': ctx.report({ span, message: 'needsManagedRoutes', args: [problem.action] }); break;
        }
      }
    },
  },
});
