/**
 * Checks for value formats the model uses in several places: CIDRs, DNS names, quantities.
 * Each returns undefined when the value is fine, or the expectation as a phrase for the error message.
 */

const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);

/** Is `text` a dotted IPv4 address? */
export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** Is `text` an IPv6 address (full or `::`-compressed, no zone)? */
export function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split('::').length > 2) return false;
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const all = [...groups(head), ...groups(tail)];
  const last = all[all.length - 1];
  const embedsIpv4 = last !== undefined && last.includes('.');
  if (embedsIpv4 && !isIpv4(last)) return false;
  const hexGroups = embedsIpv4 ? all.slice(0, -1) : all;
  if (!hexGroups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const width = hexGroups.length + (embedsIpv4 ? 2 : 0);
  return tail === undefined ? width === 8 : width < 8;
}

/** Is `text` an IPv4 or IPv6 CIDR such as `10.0.0.0/8` or `fd00::/8`? */
export function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const address = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(bits)) return false;
  const prefix = Number(bits);
  if (isIpv4(address)) return prefix <= 32;
  if (isIpv6(address)) return prefix <= 128;
  return false;
}

/** Pattern used in values.schema.json for one CIDR (IPv4 strictly; IPv6 groups loosely, prefix 0-128). */
export const CIDR_PATTERN = new RegExp(
  `(${IPV4_OCTET}(\\.${IPV4_OCTET}){3}/([0-9]|[12][0-9]|3[0-2]))|([0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))`,
);

/** A DNS-1123 label: lower-case alphanumerics and '-', at most 63 characters. */
export const DNS_LABEL = /[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?/;

/** A DNS-1123 subdomain: dot-separated labels, at most 253 characters. */
export const DNS_SUBDOMAIN = /[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/;

/** A Kubernetes resource quantity such as `100m`, `128Mi`, `2`, `1.5Gi`. */
export const QUANTITY = /[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?/;

/** A container image repository prefix such as `docker.io/istio` or `registry:5000/mirror/istio`. */
export const IMAGE_HUB = /[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?(:[0-9]+)?(\/[a-zA-Z0-9._-]+)*/;

/** An image tag. */
export const IMAGE_TAG = /[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}/;

/** `host:port`, where host is a DNS name or IP address. */
export const HOST_PORT = /([a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?|\[[0-9a-fA-F:]+\]):[0-9]{1,5}/;
