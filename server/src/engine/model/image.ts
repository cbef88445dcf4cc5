/** A container image reference: `registry:5000/team/app:1.2@sha256:…`. */
export interface ImageReference {
  /** Everything before the tag or digest (registry included). */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits an image reference; the tag is after the last `:` that follows the last `/`. */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const ref: ImageReference = colon > slash ? { repository: name.slice(0, colon), tag: name.slice(colon + 1) } : { repository: name };
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

