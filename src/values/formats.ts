/**
 * Value formats the model uses in several places (addresses, CIDRs, DNS names, quantities, keys), as
 * regular expressions in the common subset of ECMAScript and RE2: the generator and the chart's
 * values.schema.json (checked by Go in Helm) test the same expressions.
 */

const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4_SOURCE = `${IPV4_OCTET}(\\.${IPV4_OCTET}){3}`;
const HEX_GROUP = '[0-9a-fA-F]{1,4}';

/**
 * Every textual form of an IPv6 address (RFC 4291 2.2, no zone): eight groups, or fewer around one
 * `::`, optionally ending in a dotted IPv4 address that stands for the last two groups. Written out as
 * alternatives, one per count of groups before `::`, because JSON Schema patterns run on Go's RE2 in
 * Helm (no look-ahead): the same expression serves values.schema.json and the generator.
 */
function ipv6Source(): string {
  const groups = (count: number) => (count === 0 ? '' : `${HEX_GROUP}(:${HEX_GROUP}){${count - 1}}`);
  const upTo = (max: number, tail: string) => (max === 0 ? tail : `(${HEX_GROUP}:){0,${max}}${tail}`);
  const forms = [`(${HEX_GROUP}:){7}${HEX_GROUP}`, `(${HEX_GROUP}:){6}${IPV4_SOURCE}`];
  for (let before = 0; before <= 7; before++) {
    const after = 7 - before;
    forms.push(`${groups(before)}::${after === 0 ? '' : `(${HEX_GROUP}(:${HEX_GROUP}){0,${after - 1}})?`}`);
  }
  for (let before = 0; before <= 5; before++) forms.push(`${groups(before)}::${upTo(5 - before, IPV4_SOURCE)}`);
  return `(${forms.join('|')})`;
}

const IPV6_SOURCE = ipv6Source();
const IPV4_PREFIX = '([0-9]|[12][0-9]|3[0-2])';
const IPV6_PREFIX = '([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])';

/** An IPv4 address in dotted form, without leading zeros. */
export const IPV4_ADDRESS = new RegExp(IPV4_SOURCE);

/** An IPv4 or IPv6 address. */
export const IP_ADDRESS = new RegExp(`${IPV4_SOURCE}|${IPV6_SOURCE}`);

/** An IPv4 or IPv6 CIDR such as `10.0.0.0/8` or `fd00::/8` (the only CIDR check, in TypeScript and the chart's schema alike). */
export const CIDR = new RegExp(`${IPV4_SOURCE}/${IPV4_PREFIX}|${IPV6_SOURCE}/${IPV6_PREFIX}`);

/** Does `text` match `pattern` as a whole (the way JSON Schema patterns are anchored here)? */
export function matchesWhole(pattern: RegExp, text: string): boolean {
  return new RegExp(`^(?:${pattern.source})$`).test(text);
}

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

/**
 * An IPv4 or IPv6 address, or a DNS name whose last label starts with a letter (so that a malformed
 * address such as 999.1.1.1 is not taken for a name).
 */
export const HOST = new RegExp(`${IP_ADDRESS.source}|(${DNS_LABEL.source}\\.)*[a-z]([-a-z0-9]{0,61}[a-z0-9])?`);

/** `host:port`, where host is a DNS name, an IPv4 address or a bracketed IPv6 address. */
export const HOST_PORT = new RegExp(`(${DNS_SUBDOMAIN.source}|${IPV4_SOURCE}|\\[${IPV6_SOURCE}\\]):([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])`);

/** An environment variable name: a C identifier, as Kubernetes validates container env names. */
export const ENV_NAME = /[A-Za-z_][A-Za-z0-9_]*/;

/** The name part of a qualified name (label and annotation keys, label values): at most 63 characters. */
const QUALIFIED_NAME_PART = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';

/**
 * A label or annotation key: an optional DNS-subdomain prefix and `/`, then a name of at most 63
 * characters. (The API server also limits the prefix to 253 characters in all, which a regular
 * expression without look-ahead cannot say; each prefix label is limited to 63 here.)
 */
export const QUALIFIED_NAME = new RegExp(`(${DNS_LABEL.source}(\\.${DNS_LABEL.source})*/)?${QUALIFIED_NAME_PART}`);

/** A label value: empty, or at most 63 characters of alphanumerics, `-`, `_`, `.`, alphanumeric at both ends. */
export const LABEL_VALUE = new RegExp(QUALIFIED_NAME_PART);
