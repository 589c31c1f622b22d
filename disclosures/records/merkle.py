"""Merkle tree hashing as in RFC 6962 / RFC 9162 (section 2.1), with SHA-256.

Leaf hash: SHA-256(0x00 || leaf); node hash: SHA-256(0x01 || left || right). The tree over n leaves
splits at k, the largest power of two smaller than n. Hashes are handled as raw bytes here and as
lowercase hex at the edges (database, JSON).
"""

import hashlib
import json
from collections.abc import Sequence


def leaf_bytes(*, record_sha256: str, kind: str, reference: str, logged_at: str) -> bytes:
    """The canonical serialisation of a log entry: sorted-key, compact, UTF-8 JSON."""
    entry = {"kind": kind, "logged_at": logged_at, "record_sha256": record_sha256, "reference": reference}
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def chain_hash(previous: bytes, leaf: bytes) -> bytes:
    """The hash chain beside the tree: each entry commits to everything before it, in order."""
    return hashlib.sha256(previous + leaf).digest()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes; the empty tree's root is SHA-256 of the empty string."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the sibling hashes from leaf `index` up to the root."""
    n = len(leaves)
    if not 0 <= index < n:
        raise IndexError(f"leaf {index} is not in a tree of size {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), root(leaves[:k])]


def verify_inclusion(*, index: int, tree_size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2: recompute the root from a leaf hash and its inclusion proof."""
    if not 0 <= index < tree_size:
        return False
    fn, sn = index, tree_size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    *, first: int, second: int, proof: Sequence[bytes], first_root: bytes, second_root: bytes
) -> bool:
    """RFC 9162 section 2.1.4.2: the tree of size `second` extends the tree of size `first`."""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


# ---------------------------------------------------------------- the compact range and tiles (C2SP tlog-tiles)

EMPTY_ROOT = hashlib.sha256(b"").digest()
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
HASH_SIZE = 32


def frontier_append(frontier: list[bytes], size: int, leaf: bytes) -> list[tuple[int, bytes]]:
    """Add leaf number `size` to the compact range of [0, size) in place: O(log n) hashes.

    `frontier` holds the roots of the perfect subtrees that make up the tree, largest (leftmost) first,
    one per set bit of `size`. Returns the perfect subtrees the leaf completed, as (height, hash).
    """
    completed = []
    node, height = leaf, 0
    while size & 1:
        node = node_hash(frontier.pop(), node)
        size >>= 1
        height += 1
        completed.append((height, node))
    frontier.append(node)
    return completed


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """MTH of the whole tree from its compact range."""
    if not frontier:
        return EMPTY_ROOT
    node = frontier[-1]
    for left in reversed(frontier[:-1]):
        node = node_hash(left, node)
    return node


def pack(hashes: Sequence[bytes]) -> bytes:
    return b"".join(hashes)


def unpack(data: bytes) -> list[bytes]:
    return [bytes(data[i : i + HASH_SIZE]) for i in range(0, len(data), HASH_SIZE)]


class TreeBuilder:
    """The tree grown leaf by leaf: its compact range, and the tile hashes each leaf adds.

    Sequencing the log, migrating it and `verify_log` all build the tree with this one class.
    """

    def __init__(self, size: int = 0, frontier: Sequence[bytes] = ()):
        if len(frontier) != size.bit_count():
            raise ValueError(f"a compact range of a tree of {size} leaves has {size.bit_count()} hashes")
        self.size = size
        self.frontier = list(frontier)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add one leaf hash; return the tile hashes it adds as (tile level, position in the level, hash)."""
        added = [(0, self.size, leaf)]
        for height, node in frontier_append(self.frontier, self.size, leaf):
            if height % TILE_HEIGHT == 0:
                added.append((height // TILE_HEIGHT, ((self.size + 1) >> height) - 1, node))
        self.size += 1
        return added

    def root(self) -> bytes:
        return frontier_root(self.frontier)


def tile_index_path(index: int) -> str:
    """tlog-tiles encoding of a tile index: 1234067 is "x001/x234/067"."""
    groups = []
    while True:
        index, group = divmod(index, 1000)
        groups.append(group)
        if index == 0:
            break
    groups.reverse()
    return "/".join([f"x{g:03d}" for g in groups[:-1]] + [f"{groups[-1]:03d}"])


def parse_tile_index(path: str) -> int:
    parts = path.split("/")
    if any(len(p) != 4 or p[0] != "x" or not p[1:].isdigit() for p in parts[:-1]):
        raise ValueError(f"bad tile index {path!r}")
    if len(parts[-1]) != 3 or not parts[-1].isdigit():
        raise ValueError(f"bad tile index {path!r}")
    return int("".join(p.lstrip("x") for p in parts))


def partial_width(tree_size: int, level: int, index: int) -> int | None:
    """How many hashes tile (level, index) holds in a tree of `tree_size` leaves: None when full, 0 when absent."""
    at_level = tree_size >> (TILE_HEIGHT * level)
    full = at_level // TILE_WIDTH
    if index < full:
        return None
    if index == full:
        return at_level % TILE_WIDTH
    return 0


class TileReader:
    """RFC 9162 subtree hashes and proofs computed from tiles, fetched through `fetch(level, index)`.

    `fetch` returns the tile's hashes as bytes (full or partial) or None; tiles are read at most once.
    A proof at a million leaves reads a handful of tiles and hashes at most 255 nodes per subtree.
    """

    def __init__(self, fetch):
        self._fetch = fetch
        self._tiles: dict[tuple[int, int], bytes] = {}

    def _hashes(self, level: int, start: int, count: int) -> list[bytes]:
        index, offset = divmod(start, TILE_WIDTH)
        key = (level, index)
        if key not in self._tiles:
            self._tiles[key] = self._fetch(level, index) or b""
        data = self._tiles[key]
        end = (offset + count) * HASH_SIZE
        if len(data) < end:
            raise LookupError(f"tile {level}/{index} lacks hash {offset + count - 1}")
        return unpack(data[offset * HASH_SIZE : end])

    def subtree(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi])."""
        n = hi - lo
        if n <= 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and lo % n == 0:
            height = n.bit_length() - 1
            level, rest = divmod(height, TILE_HEIGHT)
            nodes = self._hashes(level, lo >> (level * TILE_HEIGHT), 1 << rest)
            while len(nodes) > 1:
                nodes = [node_hash(nodes[i], nodes[i + 1]) for i in range(0, len(nodes), 2)]
            return nodes[0]
        k = _split(n)
        return node_hash(self.subtree(lo, lo + k), self.subtree(lo + k, hi))

    def inclusion_proof(self, index: int, tree_size: int) -> list[bytes]:
        """PATH(index, D[0:tree_size]), leaf first."""
        if not 0 <= index < tree_size:
            raise IndexError(f"leaf {index} is not in a tree of size {tree_size}")
        path: list[bytes] = []
        lo, hi = 0, tree_size
        while hi - lo > 1:
            k = _split(hi - lo)
            if index < lo + k:
                path.append(self.subtree(lo + k, hi))
                hi = lo + k
            else:
                path.append(self.subtree(lo, lo + k))
                lo += k
        path.reverse()
        return path

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        """PROOF(first, D[0:second]) of RFC 9162 section 2.1.4.1."""
        if not 0 <= first <= second:
            raise ValueError(f"no consistency proof from {first} to {second}")
        if first in (0, second):
            return []
        proof: list[bytes] = []
        lo, hi, m, whole = 0, second, first, True
        while m != hi - lo:
            k = _split(hi - lo)
            if m <= k:
                proof.append(self.subtree(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self.subtree(lo, lo + k))
                lo, m, whole = lo + k, m - k, False
        if not whole:
            proof.append(self.subtree(lo, hi))
        proof.reverse()
        return proof
