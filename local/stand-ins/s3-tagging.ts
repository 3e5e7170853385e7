/**
 * Object tags as s3rver lacks them: those given at creation (`x-amz-tagging`) and those CopyObject copies. s3rver
 * keeps an object's tags as its `tagging` subresource (what GetObjectTagging reads); these write it.
 */
import { ObjectRef } from './s3-request';
import { xmlEscape } from './s3-responses';
import { S3rverStore } from './s3rver-store';

/** `k1=v1&k2=v2` (URL query encoding, as in `x-amz-tagging`) as a tagging document. */
function taggingXml(header: string): string {
  const tags = [...new URLSearchParams(header)].map(([k, v]) => `<Tag><Key>${xmlEscape(k)}</Key><Value>${xmlEscape(v)}</Value></Tag>`);
  return `<Tagging><TagSet>${tags.join('')}</TagSet></Tagging>`;
}

/** Gives the object the tags of an `x-amz-tagging` header; without one, none. */
export async function setTags(store: S3rverStore, bucket: string, key: string, header: string | undefined): Promise<void> {
  if (header) await store.putSubresource(bucket, key, { type: 'tagging', toXML: () => taggingXml(header) });
  else await store.deleteSubresource(bucket, key, 'tagging');
}

/** Gives `to` the tags of `from` (an object as stored: a version's kept copy has its tags too). */
export async function copyTags(store: S3rverStore, from: ObjectRef, to: ObjectRef): Promise<void> {
  const tags = await store.getSubresource(from.bucket, from.key, 'tagging');
  if (tags) await store.putSubresource(to.bucket, to.key, { type: 'tagging', toXML: () => tags.toXML() });
  else await store.deleteSubresource(to.bucket, to.key, 'tagging');
}
