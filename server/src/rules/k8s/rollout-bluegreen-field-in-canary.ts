import { rolloutOf, pairSpan } from '../../engine/model/rollout';
import { removeMapEntry } from '../../engine/edits/yamlEdit';
import { defineRule } from '../../engine/core/rule';
import { isScalar } from '../../engine/yaml/yamlFile';

/** blueGreen-only settings and what a canary uses instead. */
const BLUE_GREEN_ONLY: Record<string, string> = {
  autoPromotionEnabled: "To make a person promote a canary, add a '- pause: {}' step: the rollout waits there until 'kubectl argo rollouts promote'.",
  autoPromotionSeconds: "For a timed wait in a canary, add a '- pause: { duration: 10m }' step; '- pause: {}' waits for a manual promotion.",
  activeService: "A canary names its Services with 'stableService' and 'canaryService'.",
  previewService: "A canary names its Services with 'stableService' and 'canaryService'.",
  prePromotionAnalysis: "A canary gates on '- analysis:' steps or a background 'analysis:' under 'canary'.",
  postPromotionAnalysis: "A canary gates on '- analysis:' steps or a background 'analysis:' under 'canary'.",
  previewReplicaCount: "A canary sizes its new version with 'setWeight' or '- setCanaryScale:' steps.",
  previewMetadata: "A canary labels its pods with 'canaryMetadata' and 'stableMetadata'.",
  activeMetadata: "A canary labels its pods with 'canaryMetadata' and 'stableMetadata'.",
};

export default defineRule({
  id: 'k8s/rollout-bluegreen-field-in-canary',
  presets: { recommended: 'error', strict: 'error' },
  dora: ['change-failure-rate'],
  capabilities: ['continuous-delivery'],
  // Safe: the controller never sees a blueGreen field under canary (the CRD schema prunes it), so removing it cannot change what the rollout does.
  fixable: 'safe',
  messages: {
    ignored: (field: string, instead: string) =>
      `'${field}' is a blueGreen setting: under 'strategy.canary' Argo Rollouts ignores it, so it does not do what it says here. ${instead}`,
  },
  docs: {
    summary: 'Settings that only exist for blue-green (`autoPromotionEnabled`, `activeService`, `prePromotionAnalysis`, …) do nothing under `strategy.canary`.',
    rationale:
      'The Rollout CRD has separate schemas for `canary` and `blueGreen`. A blue-green field written under `canary` is dropped by the API server (or refused as an unknown field by strict validation) and the controller never reads it. The danger is the false sense of safety: `autoPromotionEnabled: false` under `canary` reads like "never promote without a human", yet the canary walks through its steps to 100% on its own.',
    symptom:
      'A canary you believed needed a manual promotion reaches full traffic unattended; an analysis you wrote under `prePromotionAnalysis` never runs; `kubectl get rollout -o yaml` no longer shows the field you applied.',
    fix: 'Delete the field (the quick-fix does, keeping its comments) and use the canary way: a `- pause: {}` step for manual promotion, `- analysis:` steps or a background `analysis` for gates, `stableService`/`canaryService` for Services, `setCanaryScale` for sizing. If you meant blue-green, move the settings under `strategy.blueGreen` instead.',
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
        - pause: { duration: 5m }
      autoPromotionEnabled: false
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
        - pause: {}
`,
  },
  visit: {
    k8sObject(object, ctx) {
      const canary = rolloutOf(object, ctx.doc)?.canary;
      if (!canary) return;
      // Removing every key would leave `canary:` null, which is no strategy at all: then offer no fix.
      const keepsOthers = [...canary.fields.keys()].some((key) => !Object.hasOwn(BLUE_GREEN_ONLY, key));
      for (const [key, field] of canary.fields) {
        if (!Object.hasOwn(BLUE_GREEN_ONLY, key)) continue;
        const instead = BLUE_GREEN_ONLY[key]!;
        const span = isScalar(field.value) ? pairSpan(field) : field.keySpan;
        const edit = keepsOthers ? removeMapEntry(ctx.file, canary.node, field.key) : undefined;
        ctx.report({
          span,
          message: 'ignored',
          args: [key, instead],
          ...(edit ? { fix: { title: `Remove '${key}' (ignored under canary)`, edits: [edit] } } : {}),
        });
      }
    },
  },
});
