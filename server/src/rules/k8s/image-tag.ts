import { parseImage } from '../../engine/model/image';
import { defineRule } from '../../engine/core/rule';
import { missingAsDeployed } from '../../engine/model/deployed';
import { isScalar, scalarToString, spanOf } from '../../engine/yaml/yamlFile';

// Tags that name a moving target rather than a build.
const MUTABLE_TAGS = new Set(['main', 'master', 'stable', 'dev', 'develop', 'edge', 'nightly']);
// Values filled in later by Helm, Kustomize, envsubst, Skaffold, ko and friends: not ours to judge.
// `<[^<>]*>`, not `<[^>]*>`: the same test (is a `<` followed by a `>`?) without rescanning to the end from every `<`.
// `auto`: Istio's sidecar injector writes the proxy image over it (gateway deployments).
const PLACEHOLDER = /\{\{|\}\}|\$\{|\$\(|\(\$|<[^<>]*>|^ko:\/\/|REPLACE_?ME|CHANGE_?ME|PLACEHOLDER|^auto$/i;
// `app:TAG`, `IMAGE`: an upper-case word is a variable name waiting to be substituted.
const VARIABLE = /^[A-Z][A-Z0-9_]*$/;
// A value that is wholly one variable (`$IMAGE`, `{IMAGE}`, `%IMAGE%`): a script fills in the whole reference.
const WHOLE_VARIABLE = /^(\$[A-Za-z_]\w*|\{[A-Za-z_]\w*\}|%[A-Za-z_]\w*%)$/;

export default defineRule({
  id: 'k8s/image-tag',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['time-to-restore', 'change-failure-rate'],
  capabilities: ['version-control', 'deployment-automation'],
  fixable: false,
  messages: {
    latest: (image: string, overlays = '') =>
      `Image '${image}' uses the 'latest' tag: which build runs depends on when each node pulled it, and 'kubectl rollout undo' cannot bring the old one back. Pin a commit-SHA or version tag (or a digest).${overlays}`,
    untagged: (image: string, overlays = '') =>
      `Image '${image}' has no tag, so Kubernetes pulls 'latest': nodes can run different builds and a rollback restores nothing. Pin a commit-SHA or version tag (or a digest).${overlays}`,
    mutable: (image: string, tag: string, overlays = '') =>
      `Image '${image}' uses the branch-like tag '${tag}', which is re-pointed at every build; pods started a day apart run different code. Prefer an immutable SHA or version tag.${overlays}`,
  },
  docs: {
    summary: 'Run images by an immutable tag (commit SHA or version) or digest, never `:latest`, an untagged name or a branch-like tag.',
    rationale:
      'A tag like `latest` or `main` is a pointer that moves with every push. Two replicas scheduled an hour apart can run different code, the manifest in Git no longer says what is deployed, and a rollback re-applies the same moving tag, so it brings back the broken build instead of the previous one. An image without a tag is the same as `:latest`. Tagging each build with its Git commit SHA (for example `type=sha` in docker/metadata-action) gives every deployment an exact, auditable, reversible identity.',
    symptom:
      '`kubectl rollout undo` "succeeds" but the bug stays, because the previous ReplicaSet points at the same `latest` tag, which now resolves to the broken image; nobody can say which commit is running where.',
    fix: 'Tag images with the commit SHA or a release version and reference that tag (or an `@sha256:` digest) in the manifest. Images a build tool fills in are not flagged: values left to Helm or envsubst (`{{ }}`, `${VAR}`, `$IMAGE`, an upper-case name), `ko://` references, images that every kustomize overlay deploying the file pins, with `images:` (`newTag` or `digest`, directly or through bases and components: the kustomization decides the tag, and is where it is fixed) or a patch (when only some overlays do, the finding names the others), the `build.artifacts` images of a `skaffold.yaml` in the file\'s folder or one above (when those files are checked in the same run or workspace), and the images a `Tiltfile` in the file\'s folder or one above builds (`docker_build`, `custom_build`).',
    bad: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:latest
`,
    good: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:sha-3f9c2e1
`,
  },
  visit: {
    container(container, ctx) {
      const node = container.fields.get('image')?.value;
      if (!isScalar(node)) return;
      const image = scalarToString(node)?.trim();
      if (!image) return;
      const message = problemOf(image);
      if (message === undefined) return;
      const ref = parseImage(image);
      // Asked only about an image that would be reported. When a build tool that deploys this file sets its tag, the
      // manifest's tag is not what runs (and not where a `newTag: latest` would be fixed).
      const filled = ctx.index.imagesFilledIn().filter((entry) => parseImage(entry.name).repository === ref.repository);
      if (filled.some((entry) => entry.tool === 'skaffold')) return;
      // An image a Tiltfile of the repository builds: Tilt fills in its reference when it deploys the manifest.
      if (ctx.project.tiltImages?.some((name) => parseImage(name).repository === ref.repository)) return;
      // A base is judged as its kustomize overlays deploy it: an overlay that sets the image (a patch, `images:`) decides
      // its tag, and is where a moving tag would be fixed.
      const deployed = missingAsDeployed(ctx, container, (variant) => variant.imageSet || (variant.image !== undefined && problemOf(variant.image) === undefined));
      if (!deployed || (ctx.index.overlays().length === 0 && filled.length > 0)) return;
      const span = spanOf(node);
      if (message === 'mutable') ctx.report({ span, message, args: [image, ref.tag!, deployed.note], severity: 'info' });
      else ctx.report({ span, message, args: [image, deployed.note] });
    },
  },
});

/** What is wrong with an image reference's tag, if anything; undefined too for values a tool fills in. */
function problemOf(image: string): 'latest' | 'untagged' | 'mutable' | undefined {
  if (PLACEHOLDER.test(image) || WHOLE_VARIABLE.test(image)) return undefined;
  const ref = parseImage(image);
  if (ref.digest !== undefined || VARIABLE.test(ref.repository.split('/').pop() ?? '') || (ref.tag !== undefined && ref.tag.toLowerCase() !== 'latest' && VARIABLE.test(ref.tag))) return undefined;
  const tag = ref.tag?.toLowerCase();
  return tag === undefined ? 'untagged' : tag === 'latest' ? 'latest' : MUTABLE_TAGS.has(tag) ? 'mutable' : undefined;
}
