/**
 * The condition context of a request: context keys (`aws:SecureTransport`, `s3:prefix`, …) and their values.
 * Key names are case-insensitive, values are not:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
 */
export type ContextValue = string | number | boolean | string[];

export type RequestContext = Readonly<Record<string, ContextValue>>;

/** The value of a context key, whatever the case of its name; undefined when the request does not carry it. */
export function contextValue(context: RequestContext, key: string): ContextValue | undefined {
  if (key in context) return context[key];
  const lower = key.toLowerCase();
  const found = Object.keys(context).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : context[found];
}
