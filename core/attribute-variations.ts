/**
 * Attribute variations: for each event type, the distinct sets of attribute paths its records
 * carry (nested objects included), with counts, first and last seen and one example. The drift
 * registry is built from them; drift (undeclared attributes) is read off them.
 */
import { createHash } from 'node:crypto';
import type { DeclaredAttributes } from '../schemas/define-event';
import { childPath, pathOf, segmentsOf } from './attribute-path';
import type { DriftObservation } from './run-stats';

export interface AttributeVariation {
  event: string;
  /** False for records of an event type the catalog does not declare. */
  known: boolean;
  /** 16 hex digits of sha256 over the sorted paths: one set of paths has one id everywhere. */
  variation: string;
  /**
   * Sorted paths, e.g. `id`, `stats.kills` (core/attribute-path.ts: a key with a dot or a control
   * character is quoted, `"a.b"`); arrays and declared JSON blobs are leaves.
   */
  paths: string[];
  /** Top-most paths the catalog did not declare when the records were seen (all of them when unknown). */
  undeclared: string[];
  count: number;
  /** Creation times of the raw objects the records came from (ISO 8601): the window to replay. */
  firstSeen: string;
  lastSeen: string;
  /** The first record seen, verbatim (cut at 2 KB), and where it came from. */
  example: string;
  source: string;
  line: number;
}

interface PathNode {
  readonly path: string;
  /** 40 bits of the path's hash: a record's signature is the sum over its paths, in any order. */
  readonly weight: number;
  readonly declared: boolean;
  /** Walk into object values: a declared flattened object, or any undeclared attribute. */
  readonly descend: boolean;
  readonly declaredChildren: DeclaredAttributes | undefined;
  readonly children: Map<string, PathNode>;
  /**
   * The keys of the last object walked at this node, in order, and their nodes: records of a
   * producer list their keys in one order, so most keys are found by one comparison at their
   * position instead of a Map lookup (a key's node never changes once made).
   */
  readonly lastKeys: string[];
  readonly lastNodes: PathNode[];
}

interface VariationState extends AttributeVariation {
  readonly signature: number;
}

export interface VariationLimits {
  /** Distinct paths remembered per event type; further new keys share one `…` path per level. */
  pathsPerEvent: number;
  /** Distinct variations per event type; records of further ones are only counted. */
  variationsPerEvent: number;
  /** Distinct unknown event tags tracked. */
  unknownEvents: number;
}

const DEFAULT_LIMITS: VariationLimits = { pathsPerEvent: 4096, variationsPerEvent: 1024, unknownEvents: 256 };
const EXAMPLE_LIMIT = 2048;
const OVERFLOW_KEY = '…';
const EMPTY: DeclaredAttributes = new Map();

interface EventTree {
  readonly known: boolean;
  readonly root: PathNode;
  paths: number;
  readonly bySignature: Map<number, VariationState>;
  /** The variation of the type's last record: most records repeat it, and a Map lookup by a double key hashes a heap number. */
  last: VariationState | undefined;
}

export class VariationTracker {
  private readonly trees = new Map<string, EventTree>();
  private unknownTags = 0;
  /** Records whose variation was over a limit: counted, not described. */
  untracked = 0;

  constructor(
    private readonly declaredOf: (tag: string) => DeclaredAttributes | undefined,
    private readonly limits: VariationLimits = DEFAULT_LIMITS,
    /** Blanks personal values in a new variation's example (core/personal/redact-example.ts). */
    private readonly redact: (tag: string, text: string) => string = (_tag, text) => text,
  ) {}

  /** Hot path: one Map lookup per attribute plus an add; the paths are spelled out only for a new variation. */
  observe(
    tag: string,
    record: Record<string, unknown>,
    text: string,
    source: string,
    line: number,
    seenAt: string,
  ): void {
    const tree = this.trees.get(tag) ?? this.openTree(tag);
    if (tree === undefined) {
      this.untracked++;
      return;
    }
    const signature = this.signatureOf(tree, tree.root, record);
    if (this.counted(tree, signature, seenAt)) return;
    const nodes: PathNode[] = [];
    collectNodes(tree.root, record, nodes);
    this.addVariation(tree, tag, signature, nodes, text, source, line, seenAt);
  }

  /**
   * observe() for a flat record the byte-level fast lane read: its top-level keys (distinct, in
   * record order; `keys[0, count)`), none holding an object to walk, and its text as bytes, decoded
   * only for a new variation's example. Gives the same variations as observe() of the parsed record.
   */
  observeFlat(
    tag: string,
    keys: readonly string[],
    count: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    source: string,
    line: number,
    seenAt: string,
  ): void {
    const tree = this.trees.get(tag) ?? this.openTree(tag);
    if (tree === undefined) {
      this.untracked++;
      return;
    }
    const root = tree.root;
    let signature = 0;
    for (let position = 0; position < count; position++)
      signature += this.childAt(tree, root, position, keys[position]!).weight;
    if (this.counted(tree, signature, seenAt)) return;
    const nodes = [...new Set(keys.slice(0, count).map((key) => root.children.get(key)!))];
    const text = Buffer.from(
      bytes.buffer,
      bytes.byteOffset + start,
      Math.min(end - start, EXAMPLE_LIMIT * 3),
    ).toString();
    this.addVariation(tree, tag, signature, nodes, text, source, line, seenAt);
  }

  /** Counts a record of a variation already seen; false when it is a new one to describe. */
  private counted(tree: EventTree, signature: number, seenAt: string): boolean {
    const last = tree.last;
    const seen = last !== undefined && last.signature === signature ? last : tree.bySignature.get(signature);
    if (seen !== undefined) {
      tree.last = seen;
      seen.count++;
      // Records of one object share one seenAt string: the identity check spares two comparisons.
      if (seenAt !== seen.lastSeen) {
        if (seenAt < seen.firstSeen) seen.firstSeen = seenAt;
        else if (seenAt > seen.lastSeen) seen.lastSeen = seenAt;
      }
      return true;
    }
    if (tree.bySignature.size >= this.limits.variationsPerEvent) {
      this.untracked++;
      return true;
    }
    return false;
  }

  private addVariation(
    tree: EventTree,
    tag: string,
    signature: number,
    nodes: readonly PathNode[],
    text: string,
    source: string,
    line: number,
    seenAt: string,
  ): void {
    const paths = nodes.map((n) => n.path).sort();
    tree.bySignature.set(signature, {
      signature,
      event: tag,
      known: tree.known,
      variation: variationIdOf(paths),
      paths,
      undeclared: topMostUndeclared(nodes),
      count: 1,
      firstSeen: seenAt,
      lastSeen: seenAt,
      // A copy, not a slice: a slice would keep its whole decoded chunk alive for the batch.
      example: Buffer.from(this.redact(tag, text).slice(0, EXAMPLE_LIMIT)).toString(),
      source,
      line,
    });
  }

  variations(): AttributeVariation[] {
    const out: AttributeVariation[] = [];
    for (const tree of this.trees.values()) {
      for (const { signature: _signature, ...variation } of tree.bySignature.values()) out.push(variation);
    }
    return out.sort((a, b) =>
      a.event === b.event ? (a.variation < b.variation ? -1 : 1) : a.event < b.event ? -1 : 1,
    );
  }

  private openTree(tag: string): EventTree | undefined {
    const declared = this.declaredOf(tag);
    if (declared === undefined) {
      if (this.unknownTags >= this.limits.unknownEvents) return undefined;
      this.unknownTags++;
    }
    const root: PathNode = {
      path: '',
      weight: 0,
      declared: true,
      descend: true,
      declaredChildren: declared ?? EMPTY,
      children: new Map(),
      lastKeys: [],
      lastNodes: [],
    };
    const tree: EventTree = { known: declared !== undefined, root, paths: 0, bySignature: new Map(), last: undefined };
    this.trees.set(tag, tree);
    return tree;
  }

  private signatureOf(tree: EventTree, node: PathNode, value: Record<string, unknown>): number {
    let sum = 0;
    let position = 0;
    for (const key in value) {
      const child = this.childAt(tree, node, position++, key);
      sum += child.weight;
      if (child.descend) {
        const inner = value[key];
        if (typeof inner === 'object' && inner !== null && !Array.isArray(inner))
          sum += this.signatureOf(tree, child, inner as Record<string, unknown>);
      }
    }
    return sum;
  }

  /** The child of `node` for the key at `position` of a record: found by one comparison when the last record had it there. */
  private childAt(tree: EventTree, node: PathNode, position: number, key: string): PathNode {
    if (node.lastKeys[position] === key) return node.lastNodes[position]!;
    const child = node.children.get(key) ?? this.addChild(tree, node, key);
    node.lastKeys[position] = key;
    node.lastNodes[position] = child;
    return child;
  }

  private addChild(tree: EventTree, parent: PathNode, key: string): PathNode {
    if (tree.paths >= this.limits.pathsPerEvent) {
      // Past the limit every new key of this level is one path, so a record made of random keys cannot grow the tree.
      const overflow = parent.children.get(OVERFLOW_KEY) ?? newNode(parent, OVERFLOW_KEY);
      parent.children.set(OVERFLOW_KEY, overflow);
      parent.children.set(key, overflow);
      return overflow;
    }
    tree.paths++;
    const node = newNode(parent, key);
    parent.children.set(key, node);
    return node;
  }
}

function newNode(parent: PathNode, key: string): PathNode {
  const path = childPath(parent.path, key);
  const entry = parent.declared ? parent.declaredChildren?.get(key) : undefined;
  const declared = entry !== undefined;
  const declaredChildren = entry !== undefined && entry !== null && entry !== true ? entry : undefined;
  return {
    path,
    weight: Number.parseInt(createHash('sha256').update(path).digest('hex').slice(0, 10), 16),
    declared,
    // Declared JSON blobs (`true`) and plain fields (`null`) are leaves; undeclared objects are walked.
    descend: declaredChildren !== undefined || !declared,
    declaredChildren,
    children: new Map(),
    lastKeys: [],
    lastNodes: [],
  };
}

/** The nodes of a record's paths, in the order the signature walked them (the slow path, once per variation). */
function collectNodes(node: PathNode, value: Record<string, unknown>, out: PathNode[]): void {
  const seen = new Set<PathNode>();
  const walk = (at: PathNode, object: Record<string, unknown>) => {
    for (const key in object) {
      const child = at.children.get(key)!;
      if (!seen.has(child)) {
        seen.add(child);
        out.push(child);
      }
      const inner = object[key];
      if (child.descend && typeof inner === 'object' && inner !== null && !Array.isArray(inner))
        walk(child, inner as Record<string, unknown>);
    }
  };
  walk(node, value);
}

function topMostUndeclared(nodes: readonly PathNode[]): string[] {
  const undeclared = nodes
    .filter((n) => !n.declared)
    .map((n) => n.path)
    .sort();
  return undeclared.filter((p) => !undeclared.some((q) => p.startsWith(`${q}.`)));
}

export function variationIdOf(sortedPaths: readonly string[]): string {
  return createHash('sha256').update(sortedPaths.join('\n')).digest('hex').slice(0, 16);
}

/** Attributes of `paths` that `declared` does not declare, top-most only: drift judged against a catalog. */
export function undeclaredPaths(paths: readonly string[], declared: DeclaredAttributes): string[] {
  const out: string[] = [];
  for (const path of paths) {
    let level: DeclaredAttributes | true | null | undefined = declared;
    const parts = segmentsOf(path);
    for (const [i, part] of parts.entries()) {
      if (level === true || level === null) break;
      const next: DeclaredAttributes | true | null | undefined = level?.get(part);
      if (next === undefined) {
        const top = pathOf(parts.slice(0, i + 1));
        if (!out.includes(top)) out.push(top);
        break;
      }
      level = next;
    }
  }
  return out.sort();
}

/** Per undeclared attribute of a known event type: records carrying it, and the first example. */
export function driftOf(variations: readonly AttributeVariation[]): DriftObservation[] {
  const byAttribute = new Map<string, DriftObservation>();
  for (const v of variations) {
    if (!v.known) continue;
    for (const attribute of v.undeclared) {
      const id = `${v.event}\u0001${attribute}`;
      const seen = byAttribute.get(id);
      if (seen) seen.count += v.count;
      else
        byAttribute.set(id, {
          event: v.event,
          attribute,
          count: v.count,
          example: v.example,
          source: v.source,
          line: v.line,
        });
    }
  }
  return [...byAttribute.values()];
}
