// Which addresses a script's upstream call may connect to (docs/contract.md §13): public unicast only. Checked on every
// address DNS gives (client.ts passes this through Node's `lookup` option, so the address checked is the one
// connected to) and on an IP literal in the URL (Node connects to those without a lookup).
import type { BlockList } from 'node:net';

const refusedV4Networks = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, with the cloud metadata service at 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments (and 192.0.0.192, Oracle's metadata)
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
] as const;

const refusedV6Networks = [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible form
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments, Teredo included (it tunnels to any IPv4 address)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, with AWS's IPv6 metadata service at fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
] as const;

// node:net is taken, and the lists built, when the first address is checked: a sandbox worker's start does not
// need them (most scripts never call out).
let refused: { v4: BlockList; v6: BlockList } | undefined;
function refusedLists(): { v4: BlockList; v6: BlockList } {
  if (refused) return refused;
  const { BlockList } = process.getBuiltinModule('node:net');
  const v4 = new BlockList();
  for (const [network, prefix] of refusedV4Networks) v4.addSubnet(network, prefix, 'ipv4');
  const v6 = new BlockList();
  for (const [network, prefix] of refusedV6Networks) v6.addSubnet(network, prefix, 'ipv6');
  refused = { v4, v6 };
  return refused;
}

/** Prefixes whose last 32 bits are an IPv4 address the packet ends up at: checked as that address. */
const embedsV4 = [
  { prefix: [0, 0, 0, 0, 0, 0xffff], at: 6 }, // IPv4-mapped ::ffff:a.b.c.d
  { prefix: [0x64, 0xff9b, 0, 0, 0, 0], at: 6 }, // NAT64 64:ff9b::/96
];

/** True for an address a script may reach: a public unicast IPv4 or IPv6 address. False for anything else, non-IPs included. */
export function isPublicAddress(address: string): boolean {
  const { isIPv4, isIPv6 } = process.getBuiltinModule('node:net');
  if (isIPv4(address)) return !refusedLists().v4.check(address, 'ipv4');
  if (!isIPv6(address)) return false;
  const words = ipv6Words(address);
  for (const { prefix, at } of embedsV4) {
    if (prefix.every((word, i) => words[i] === word)) return isPublicAddress(v4Of(words, at));
  }
  // 6to4 2002:a.b.c.d::/48 also carries the IPv4 address it reaches.
  if (words[0] === 0x2002) return isPublicAddress(v4Of(words, 1));
  return !refusedLists().v6.check(address, 'ipv6');
}

function v4Of(words: number[], at: number): string {
  const high = words[at] as number;
  const low = words[at + 1] as number;
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** The eight 16-bit words of a valid IPv6 address (zone index dropped, a dotted IPv4 tail converted). */
function ipv6Words(address: string): number[] {
  let text = address.split('%')[0] as string;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = (dotted[1] as string).split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((word) => Number.parseInt(word, 16));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
