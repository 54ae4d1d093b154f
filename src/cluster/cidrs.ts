import * as net from 'net';

/** An address block: family, network address as a number, prefix length. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

const bits = (family: 4 | 6) => (family === 4 ? 32 : 128);

/** Parses an IPv4 or IPv6 address into its family and value; undefined when it is not one. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (net.isIPv4(text)) {
    return { family: 4, value: text.split('.').reduce((sum, octet) => (sum << 8n) + BigInt(Number(octet)), 0n) };
  }
  if (!net.isIPv6(text) || text.includes('.')) return undefined;
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array(missing).fill('0'), ...groups(tail)];
  return { family: 6, value: all.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n) };
}

/** Parses `address/prefix`, masking host bits; undefined when it is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const address = parseAddress(match[1]);
  const prefix = Number(match[2]);
  if (!address || prefix > bits(address.family)) return undefined;
  return { family: address.family, network: address.value & mask(address.family, prefix), prefix };
}

function mask(family: 4 | 6, prefix: number): bigint {
  const width = BigInt(bits(family));
  return ((1n << width) - 1n) ^ ((1n << (width - BigInt(prefix))) - 1n);
}

/** Formats an address: dotted quad, or IPv6 with the longest run of zero groups compressed (RFC 5952). */
export function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === '0') length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.family, cidr.network)}/${cidr.prefix}`;
}

/**
 * The smallest list of CIDRs covering exactly the same addresses: blocks inside another are dropped
 * and two halves of one block become that block (nodes' /24 Pod CIDRs 10.244.0.0/24 and
 * 10.244.1.0/24 become 10.244.0.0/23). IPv4 first, then IPv6, each by address.
 */
export function aggregateCidrs(cidrs: readonly Cidr[]): Cidr[] {
  let blocks = [...cidrs].sort(compareCidrs);
  let changed = true;
  while (changed) {
    changed = false;
    const next: Cidr[] = [];
    for (const block of blocks) {
      const last = next[next.length - 1];
      if (last && contains(last, block)) {
        changed = true;
        continue;
      }
      if (last && last.family === block.family && last.prefix === block.prefix && last.prefix > 0) {
        const parent = { family: last.family, network: last.network & mask(last.family, last.prefix - 1), prefix: last.prefix - 1 };
        if (parent.network === last.network && contains(parent, block)) {
          next[next.length - 1] = parent;
          changed = true;
          continue;
        }
      }
      next.push(block);
    }
    blocks = next.sort(compareCidrs);
  }
  return blocks;
}

function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.prefix <= inner.prefix && (inner.network & mask(outer.family, outer.prefix)) === outer.network;
}

function compareCidrs(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix;
}

/** Service ranges of platforms whose default is known, by the address of their `kubernetes` Service. */
const KNOWN_SERVICE_RANGES: ReadonlyArray<{ readonly kubernetesServiceIp: string; readonly range: string; readonly whose: string }> = [
  { kubernetesServiceIp: '10.96.0.1', range: '10.96.0.0/12', whose: 'kubeadm, kind and minikube' },
  { kubernetesServiceIp: '10.43.0.1', range: '10.43.0.0/16', whose: 'k3s and k3d' },
  { kubernetesServiceIp: '10.152.183.1', range: '10.152.183.0/24', whose: 'MicroK8s' },
  { kubernetesServiceIp: '10.100.0.1', range: '10.100.0.0/16', whose: 'EKS' },
  { kubernetesServiceIp: '172.20.0.1', range: '172.20.0.0/16', whose: 'EKS' },
  { kubernetesServiceIp: '10.0.0.1', range: '10.0.0.0/16', whose: 'AKS' },
  { kubernetesServiceIp: '172.30.0.1', range: '172.30.0.0/16', whose: 'OpenShift' },
  { kubernetesServiceIp: '34.118.224.1', range: '34.118.224.0/20', whose: 'GKE' },
];

/**
 * The Service range inferred from the ClusterIP of Service default/kubernetes, which the API server
 * gives the first address of its range: a platform default when the address is one, otherwise the
 * largest block the range can be (it starts at address - 1, and the API server accepts at most
 * /12 for IPv4 and /108 for IPv6), so it covers the real range, perhaps with more.
 */
export function inferServiceRange(clusterIp: string): { cidr: Cidr; why: string } | undefined {
  const address = parseAddress(clusterIp);
  if (!address || address.value === 0n) return undefined;
  const known = KNOWN_SERVICE_RANGES.find((entry) => entry.kubernetesServiceIp === clusterIp);
  if (known) return { cidr: parseCidr(known.range) as Cidr, why: `the default range of ${known.whose}, whose kubernetes Service has ${clusterIp}` };
  const network = address.value - 1n;
  const width = bits(address.family);
  let prefix = width;
  while (prefix > 0 && (network & ((1n << BigInt(width - prefix + 1)) - 1n)) === 0n) prefix--;
  const largest = address.family === 4 ? 12 : 108;
  prefix = Math.max(prefix, largest);
  const cidr = { family: address.family, network: network & mask(address.family, prefix), prefix };
  return { cidr, why: `the largest range that starts just below the kubernetes Service's ${clusterIp}` };
}
