"""Batch QR Code encoder (byte mode, versions 1-40, EC levels L/M/Q/H).

Why this module exists
----------------------
Every signature sheet of a Write for Rights kit carries its own QR code
(a ~100-200 character URL that differs only in a tracking parameter), and the
kit generator has to produce on the order of 10,000 sheets per second.
Measured on the development machine:

* segno 1.6.6: 16 ms per code (3.3 ms with a fixed mask),
* zxing-cpp ``create_barcode``: 0.94 ms per code.

Both spend most of their time in per-module work (placement, masking and the
mask penalty evaluation), one symbol at a time.  Here all of that is done with
numpy, vectorised over a batch of same-version symbols (and, for the penalty,
over batch x 8 masks on 64-bit packed rows/columns), so the per-code cost is a
small fraction of a millisecond when encoding many URLs at once
(:func:`encode_many`).  :func:`encode` is the same code path with a batch of
one and stays correct (and reasonably quick) for single URLs.

Output is bit-for-bit identical to segno (``mode="byte"``,
``boost_error=False``, UTF-8 bytes) including segno's mask choice, with one
deliberate exception: segno 1.6.6 appends a superfluous 0x00 codeword after
the terminator whenever the bit stream already ends on a codeword boundary
(always the case in byte mode; segno issue #148).  We pad as ISO/IEC 18004
7.4.10 prescribes (pad codewords 0xEC/0x11 right after the terminator), which
is what qrcode, zxing-cpp and Nayuki's library do.  Both variants decode to
the same text.

Mask evaluation follows segno exactly, which differs from a literal reading
of ISO/IEC 18004 7.8.3 in two documented ways:

* the symbol is evaluated *without* format/version information and with the
  dark module still light (segno evaluates before adding them);
* N3 (1:1:3:1:1 finder-like pattern) is counted with segno's left-to-right
  scan, which, after a counted occurrence at column ``p``, resumes the search
  at ``p + 7`` (so an overlapping occurrence at ``p + 4`` or ``p + 6`` is not
  counted).  An occurrence counts once when at least one side (clipped at the
  symbol edge, i.e. the quiet zone counts as light) has 4 light modules.

Only numpy and the standard library are imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

__all__ = ["QrMatrix", "encode", "encode_many"]

_EC_LEVELS = "LMQH"

# ISO/IEC 18004 Table 9: error correction codewords per block, index = version.
_ECC_PER_BLOCK = {
    "L": (0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
          28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "M": (0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
          26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),
    "Q": (0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
          28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "H": (0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
          30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
}
# ISO/IEC 18004 Table 9: number of error correction blocks, index = version.
_NUM_BLOCKS = {
    "L": (0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
          8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25),
    "M": (0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
          17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49),
    "Q": (0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
          23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68),
    "H": (0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
          25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81),
}
_EC_FORMAT_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}

# Encode at most this many modules (codes x size^2) per vectorised pass, to
# bound the temporaries (Reed-Solomon gather, gathers into padded layouts).
_CHUNK_MODULES = 4_000_000
# Codes per penalty-evaluation slice (x 8 masks x 2*size lines of uint64);
# small enough for the temporaries to stay in the CPU cache.
_PENALTY_CHUNK = 32
# Symbols per vectorised slice when deriving runs / PDF operators.
_RENDER_CHUNK = 64

# --- GF(256) arithmetic (primitive polynomial x^8+x^4+x^3+x^2+1) -------------
_GF_EXP = np.zeros(512, np.int32)
_GF_LOG = np.zeros(256, np.int32)
_x = 1
for _i in range(255):
    _GF_EXP[_i] = _x
    _GF_LOG[_x] = _i
    _x <<= 1
    if _x & 0x100:
        _x ^= 0x11D
_GF_EXP[255:510] = _GF_EXP[:255]  # doubled so log sums need no modulo
del _x, _i


def _gf_mul_table(values: np.ndarray) -> np.ndarray:
    """(256, len(values)) table: row d = d * values in GF(256)."""
    values = np.asarray(values, np.int32)
    logs = _GF_LOG[np.arange(256)][:, None] + _GF_LOG[values][None, :]
    out = _GF_EXP[logs]
    out[0, :] = 0
    out[:, values == 0] = 0
    return out.astype(np.uint8)


def _rs_generator(degree: int) -> list[int]:
    """Coefficients (highest power first, monic term omitted) of prod(x - a^i)."""
    gen = [1]
    for i in range(degree):
        root = int(_GF_EXP[i])
        nxt = gen + [0]
        for j, coef in enumerate(gen):
            if coef:
                nxt[j + 1] ^= int(_GF_EXP[_GF_LOG[coef] + _GF_LOG[root]])
        gen = nxt
    return gen[1:]


# --- per-version geometry ----------------------------------------------------

def _alignment_positions(version: int) -> list[int]:
    if version == 1:
        return []
    size = version * 4 + 17
    num = version // 7 + 2
    step = 26 if version == 32 else (version * 4 + num * 2 + 1) // (num * 2 - 2) * 2
    return [6] + sorted(size - 7 - i * step for i in range(num - 1))


def _format_positions(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices of format bits 0..14, first copy and second copy."""
    first = [(i, 8) for i in range(6)] + [(7, 8), (8, 8), (8, 7)] + [(8, 14 - i) for i in range(9, 15)]
    second = [(8, size - 1 - i) for i in range(8)] + [(size - 15 + i, 8) for i in range(8, 15)]
    return (np.array([r * size + c for r, c in first]),
            np.array([r * size + c for r, c in second]))


def _format_bits(ec: str, mask: int) -> int:
    data = _EC_FORMAT_BITS[ec] << 3 | mask
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    return (data << 10 | rem) ^ 0x5412


def _version_bits(version: int) -> int:
    rem = version
    for _ in range(12):
        rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
    return version << 12 | rem


def _pack_bits(a: np.ndarray) -> np.ndarray:
    """(..., n) bool -> (..., ceil(n/64)) uint64; column p is bit p%64 of word p//64.

    Bits past n are zero, which the penalty code relies on (they act as the
    light quiet zone / as "no module")."""
    n = a.shape[-1]
    words = (n + 63) // 64
    buf = np.zeros(a.shape[:-1] + (words * 64,), bool)
    buf[..., :n] = a
    return np.packbits(buf, axis=-1, bitorder="little").view("<u8")


class _Version:
    """Everything about a version that does not depend on the data (cached)."""

    def __init__(self, version: int) -> None:
        self.version = version
        size = self.size = version * 4 + 17
        func = np.zeros((size, size), bool)   # function modules (incl. reserved areas)
        dark = np.zeros((size, size), bool)   # their value while masks are evaluated
        # Timing patterns first; finders/separators overwrite their ends.
        func[6, :] = func[:, 6] = True
        dark[6, :] = dark[:, 6] = np.arange(size) % 2 == 0
        ring = np.maximum(*np.abs(np.mgrid[-4:5, -4:5]))  # Chebyshev distance
        finder = (ring != 2) & (ring != 4)                 # 7x7 finder + separator
        for r0, c0 in ((3, 3), (3, size - 4), (size - 4, 3)):
            rs, cs = slice(max(r0 - 4, 0), r0 + 5), slice(max(c0 - 4, 0), c0 + 5)
            fr = slice(4 - (r0 - rs.start), 4 + (min(r0 + 5, size) - r0))
            fc = slice(4 - (c0 - cs.start), 4 + (min(c0 + 5, size) - c0))
            func[rs, cs] = True
            dark[rs, cs] = finder[fr, fc]
        align = ring[2:7, 2:7] != 1
        pos = _alignment_positions(version)
        last = len(pos) - 1
        for i, r in enumerate(pos):
            for j, c in enumerate(pos):
                if (i, j) in ((0, 0), (0, last), (last, 0)):
                    continue
                func[r - 2 : r + 3, c - 2 : c + 3] = True
                dark[r - 2 : r + 3, c - 2 : c + 3] = align
        # Reserved (light during evaluation, like segno): format areas + dark module.
        self.fmt1, self.fmt2 = _format_positions(size)
        func.flat[self.fmt1] = func.flat[self.fmt2] = True
        dark.flat[self.fmt1] = dark.flat[self.fmt2] = False
        func[size - 8, 8] = True
        dark[size - 8, 8] = False
        final_extra = np.zeros((size, size), bool)  # added after mask selection
        final_extra[size - 8, 8] = True
        if version >= 7:
            vbits = _version_bits(version)
            for i in range(18):
                a, b = size - 11 + i % 3, i // 3
                func[a, b] = func[b, a] = True
                dark[a, b] = dark[b, a] = False
                final_extra[a, b] = final_extra[b, a] = bool(vbits >> i & 1)
        self.template = dark
        self.final_extra = final_extra
        # Zig-zag placement order of the data modules (ISO/IEC 18004 7.7.3).
        order = []
        for right in range(size - 1, 0, -2):
            if right <= 6:
                right -= 1
            upward = ((right + 1) & 2) == 0
            rows = range(size - 1, -1, -1) if upward else range(size)
            for r in rows:
                for c in (right, right - 1):
                    if not func[r, c]:
                        order.append(r * size + c)
        self.data_coords = np.array(order, np.intp)
        self.total_codewords = len(order) // 8   # the rest are remainder bits (0)
        nbits = self.total_codewords * 8
        # Symbols are built by one gather from [data bits..., 0, 1] into rows
        # padded to whole 64-bit words (packbits then yields the packed rows
        # directly), and likewise into the transposed layout for the columns.
        src = np.where(dark, nbits + 1, nbits).ravel()
        src[self.data_coords[:nbits]] = np.arange(nbits)
        words = (size + 63) // 64
        padded = np.full((size, words * 64), nbits, np.intp)
        padded[:, :size] = src.reshape(size, size)
        self.gather_rows = padded.ravel().copy()
        padded[:, :size] = src.reshape(size, size).T
        self.gather_cols = padded.ravel()
        # Data-masks restricted to the data region: full (8, size, size) and
        # packed rows/columns for the penalty evaluation.
        i, j = np.indices((size, size))
        patterns = np.stack([
            (i + j) % 2 == 0,
            i % 2 == 0,
            j % 3 == 0,
            (i + j) % 3 == 0,
            (i // 2 + j // 3) % 2 == 0,
            (i * j) % 2 + (i * j) % 3 == 0,
            ((i * j) % 2 + (i * j) % 3) % 2 == 0,
            ((i + j) % 2 + (i * j) % 3) % 2 == 0,
        ]) & ~func
        self.masks = patterns
        self.mask_lines = np.concatenate(
            (_pack_bits(patterns), _pack_bits(patterns.transpose(0, 2, 1))), axis=1)
        self.words = words
        # Valid start positions for "p and p+1" (N1/N2) and "p..p+6" (N3).
        self.valid1 = _pack_bits(np.arange(words * 64) < size - 1)
        self.valid7 = _pack_bits(np.arange(words * 64) < size - 6)


@lru_cache(maxsize=None)
def _version_info(version: int) -> _Version:
    return _Version(version)


class _Layout:
    """Codeword/block structure of one (version, EC level) (cached)."""

    def __init__(self, version: int, ec: str) -> None:
        vi = _version_info(version)
        ecw = _ECC_PER_BLOCK[ec][version]
        nblocks = _NUM_BLOCKS[ec][version]
        total = vi.total_codewords
        self.data_codewords = ndc = total - ecw * nblocks
        self.count_bits = 8 if version < 10 else 16
        # Byte mode: 4 bit mode + count + 8n data bits must fit (the terminator
        # then always fits too, since the capacity is a multiple of 8).
        self.max_bytes = (ndc * 8 - 4 - self.count_bits) // 8
        n_short = nblocks - total % nblocks
        k_short = total // nblocks - ecw
        kmax = k_short + (n_short < nblocks)
        self.nblocks, self.ecw, self.kmax = nblocks, ecw, kmax
        # dsrc[b, i]: data codeword index for RS input slot i of block b; short
        # blocks get a leading zero (index ndc = an extra zero column), which
        # does not change the remainder.
        dsrc = np.full((nblocks, kmax), ndc, np.intp)
        off = 0
        for b in range(nblocks):
            k = k_short + (b >= n_short)
            dsrc[b, kmax - k :] = np.arange(off, off + k)
            off += k
        self.dsrc = dsrc
        # Final interleaved codeword order as indices into
        # concat(data slots (nblocks*kmax), ec slots (nblocks*ecw)).
        order = []
        for i in range(kmax):
            for b in range(nblocks):
                k = k_short + (b >= n_short)
                if i < k:
                    order.append(b * kmax + (kmax - k) + i)
        order += [nblocks * kmax + b * ecw + i for i in range(ecw) for b in range(nblocks)]
        assert len(order) == total
        self.cw_order = np.array(order, np.intp)
        # RS parity is GF(256)-linear: parity = XOR_i table[i, data[i]] where
        # table[i] is the multiplication table of the parity of unit vector i.
        # parity(unit at slot kmax-1) = x^ecw mod g = the generator's low
        # coefficients; each earlier slot is one more multiplication by x.
        gen_table = _gf_mul_table(np.array(_rs_generator(ecw)))
        unit_parity = np.zeros((kmax, ecw), np.uint8)
        rem = gen_table[1].copy()
        for i in range(kmax - 1, -1, -1):
            unit_parity[i] = rem
            factor = rem[0]
            rem = np.append(rem[1:], np.uint8(0)) ^ gen_table[factor]
        # Stored as whole uint64 words (ecw padded to a multiple of 8 bytes) so
        # the gather + XOR-reduce moves 8 parity bytes per element.
        ecw8 = -(-ecw // 8) * 8
        tables = np.zeros((kmax, 256, ecw8), np.uint8)
        for i in range(kmax):
            tables[i, :, :ecw] = _gf_mul_table(unit_parity[i])
        self.rs_tables = tables.view("<u8")
        self.rs_rows = np.arange(kmax)[None, :]
        self.pad = np.resize(np.array([0xEC, 0x11], np.uint8), ndc)
        # Per mask: data mask + format bits + version bits + dark module, i.e.
        # everything to XOR onto the unmasked evaluation matrix.
        overlay = vi.masks ^ vi.final_extra[None]
        for m in range(8):
            bits = _format_bits(ec, m)
            on = np.array([bool(bits >> k & 1) for k in range(15)])
            overlay[m].flat[vi.fmt1] = on
            overlay[m].flat[vi.fmt2] = on
        self.overlay = overlay


@lru_cache(maxsize=None)
def _layout(version: int, ec: str) -> _Layout:
    return _Layout(version, ec)


def _total_codewords(version: int) -> int:
    """Codewords a version holds (ISO/IEC 18004 Table 1), from its count of data modules."""
    modules = (16 * version + 128) * version + 64
    if version >= 2:
        a = version // 7 + 2
        modules -= (25 * a - 10) * a - 55
        if version >= 7:
            modules -= 36
    return modules // 8


@lru_cache(maxsize=4)
def _max_bytes_table(ec: str) -> tuple[int, ...]:
    # From the tables alone: building all 40 layouts to learn capacities costs ~0.6 s.
    out = []
    for v in range(1, 41):
        data = _total_codewords(v) - _ECC_PER_BLOCK[ec][v] * _NUM_BLOCKS[ec][v]
        out.append((data * 8 - 4 - (8 if v < 10 else 16)) // 8)
    return tuple(out)


def _smallest_version(nbytes: int, ec: str) -> int:
    for v, cap in enumerate(_max_bytes_table(ec), start=1):
        if nbytes <= cap:
            return v
    raise ValueError(
        f"data too long for a QR code: {nbytes} UTF-8 bytes, but version 40 at "
        f"error correction level {ec} holds at most {_max_bytes_table(ec)[-1]} bytes")


# --- penalty evaluation on packed lines ----------------------------------------

def _ahead(x: np.ndarray, k: int) -> np.ndarray:
    """Bit p of the result = bit p+k of x (zero past the end)."""
    y = x >> np.uint64(k)
    if x.shape[-1] > 1:
        y[..., :-1] |= x[..., 1:] << np.uint64(64 - k)
    return y


def _behind(x: np.ndarray, k: int) -> np.ndarray:
    """Bit p of the result = bit p-k of x (zero before the start)."""
    y = x << np.uint64(k)
    if x.shape[-1] > 1:
        y[..., 1:] |= x[..., :-1] >> np.uint64(64 - k)
    return y


def _count(x: np.ndarray) -> np.ndarray:
    """Set bits per symbol (first axis)."""
    return np.bitwise_count(x).reshape(len(x), -1).sum(axis=1, dtype=np.uint32).astype(np.int64)


def _penalties(lines: np.ndarray, size: int, valid1: np.ndarray, valid7: np.ndarray) -> np.ndarray:
    """N1..N4 penalty scores (segno's rules) -> (n, 4) int64.

    ``lines``: (n, 2*size, words) uint64 with the packed rows followed by the
    packed columns of n symbols.  Written with few, mostly in-place numpy
    operations: this is the hot loop (batch x 8 masks).
    """
    x = lines
    a1 = _ahead(x, 1)
    diff = x ^ a1                                # module p != module p+1
    same = ~diff
    same &= valid1
    # N1: a run of L >= 5 scores L-2 = (#windows of 5 equal modules) + 2.
    win = _ahead(same, 1)
    win &= same
    win5 = _ahead(win, 2)
    win5 &= win
    run_start = _behind(same, 1)
    np.invert(run_start, out=run_start)
    run_start &= win5
    n1 = np.bitwise_count(run_start)
    n1 <<= 1
    n1 += np.bitwise_count(win5)                 # <= 64 + 2*13 per word: fits uint8
    # N2: 2x2 blocks of one colour, 3 points each (rows only).
    rows = x[:, :size]
    srow = same[:, :size]
    block = rows[:, :-1] ^ rows[:, 1:]
    np.invert(block, out=block)
    block &= srow[:, :-1]
    block &= srow[:, 1:]
    # N3: 1011101 (dark-light-dark-dark-dark-light-dark) with 4 light
    # modules on at least one side: "10" at p, "111" at p+2, "01" at p+5.
    dark3 = _ahead(x, 2)
    dark3 &= a1
    dark3 &= x
    pat = _ahead(dark3, 2)
    pat &= diff
    pat &= x
    diff &= a1                                   # now: "01" at p
    pat &= _ahead(diff, 5)
    pat &= valid7
    any2 = _behind(x, 1)
    any2 |= x
    any4 = _behind(any2, 2)
    any4 |= any2                                 # dark in p-3..p
    dark_both = _behind(any4, 1)                 # dark in p-4..p-1 ...
    dark_both &= _ahead(any4, 10)                # ... and dark in p+7..p+10
    counted = ~dark_both
    counted &= pat
    # segno resumes its search at p+7 after a counted hit at p, so hits at
    # p+4 / p+6 are skipped; resolve that left-to-right dependency by fixpoint.
    skipped = _behind(counted, 4)
    skipped |= _behind(counted, 6)
    skipped &= pat
    if skipped.any():
        while True:
            visible = counted & ~skipped
            nxt = pat & (_behind(visible, 4) | _behind(visible, 6))
            if np.array_equal(nxt, skipped):
                break
            skipped = nxt
        counted &= ~skipped
    # N4: deviation of the dark proportion from 50 %, in 5 % steps (float
    # arithmetic exactly as segno does it).
    percent = _count(rows) / (size * size)
    n4 = 10 * np.floor(np.abs(percent * 100 - 50) / 5).astype(np.int64)
    n1 = n1.reshape(len(x), -1).sum(axis=1, dtype=np.uint32).astype(np.int64)
    return np.stack([n1, 3 * _count(block), 40 * _count(counted), n4], axis=1)


def _penalty_scores(matrices: np.ndarray) -> np.ndarray:
    """N1..N4 of already masked (n, size, size) bool matrices -> (n, 4).

    Not used on the hot path (which packs once and XORs packed masks); kept
    for tests against segno's ``mask_scores``."""
    m = np.asarray(matrices, bool)
    size = m.shape[-1]
    lines = np.concatenate((_pack_bits(m), _pack_bits(m.transpose(0, 2, 1))), axis=1)
    valid1 = _pack_bits(np.arange(lines.shape[-1] * 64) < size - 1)
    valid7 = _pack_bits(np.arange(lines.shape[-1] * 64) < size - 6)
    return _penalties(lines, size, valid1, valid7)


# --- encoding --------------------------------------------------------------------

def _encode_group(payload: np.ndarray, version: int, ec: str, mask: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Encode (B, n) uint8 payloads of one version -> (modules (B,s,s) bool, masks (B,))."""
    vi = _version_info(version)
    lay = _layout(version, ec)
    batch, n = payload.shape
    size = vi.size
    # Data codewords: 0100 | count | bytes | 0000, shifted by one nibble.
    if lay.count_bits == 8:
        head = np.full((batch, 1), n, np.uint8)
    else:
        head = np.tile(np.array([n >> 8, n & 0xFF], np.uint8), (batch, 1))
    t = np.concatenate((head, payload), axis=1)
    width = t.shape[1]
    cw = np.empty((batch, lay.data_codewords + 1), np.uint8)  # +1: zero column for dsrc
    cw[:, 0] = 0x40 | (t[:, 0] >> 4)
    cw[:, 1:width] = (t[:, :-1] << 4) | (t[:, 1:] >> 4)
    cw[:, width] = t[:, -1] << 4
    cw[:, width + 1 : -1] = lay.pad[: lay.data_codewords - width - 1]
    cw[:, -1] = 0
    # Reed-Solomon over all blocks of all codes at once.
    blocks = cw[:, lay.dsrc].reshape(-1, lay.kmax)                   # (B*nb, kmax)
    if len(blocks) < 64:
        # Few blocks: one gather + reduce beats kmax small numpy calls.
        parity = np.bitwise_xor.reduce(lay.rs_tables[lay.rs_rows, blocks], axis=1)
    else:
        cols_first = np.ascontiguousarray(blocks.T)
        parity = lay.rs_tables[0][cols_first[0]]
        for i in range(1, lay.kmax):
            parity ^= lay.rs_tables[i][cols_first[i]]
    parity = parity.view(np.uint8)[:, : lay.ecw]
    slots = np.concatenate((blocks.reshape(batch, -1), parity.reshape(batch, -1)), axis=1)
    nbits = vi.total_codewords * 8
    src = np.zeros((batch, nbits + 2), np.uint8)
    src[:, :nbits] = np.unpackbits(slots[:, lay.cw_order], axis=1)
    src[:, -1] = 1
    # Unmasked symbol (format/version areas light), rows padded to 64 bits.
    # (np.take keeps the result C-contiguous, so the flat packbits is valid
    # and fast: each padded row becomes whole little-endian uint64 words.)
    padded = np.take(src, vi.gather_rows, axis=1).view(bool)
    if mask is None:
        cols = np.take(src, vi.gather_cols, axis=1)
        lines = np.concatenate(
            (np.packbits(padded.reshape(-1), bitorder="little").view("<u8").reshape(batch, size, -1),
             np.packbits(cols.reshape(-1), bitorder="little").view("<u8").reshape(batch, size, -1)),
            axis=1)
        chosen = np.empty(batch, np.intp)
        # Small slices keep the ~50 temporaries of the evaluation in cache.
        step = _PENALTY_CHUNK
        for lo in range(0, batch, step):
            part = lines[lo : lo + step]
            masked = (part[:, None] ^ vi.mask_lines[None]).reshape(-1, 2 * size, vi.words)
            scores = _penalties(masked, size, vi.valid1, vi.valid7).sum(axis=1)
            chosen[lo : lo + step] = scores.reshape(-1, 8).argmin(axis=1)  # first minimum, like segno
    else:
        chosen = np.full(batch, mask, np.intp)
    mat = padded.reshape(batch, size, -1)[:, :, :size] ^ lay.overlay[chosen]
    return mat, chosen


def _check_ec(ec: str) -> str:
    level = ec.upper() if isinstance(ec, str) else ec
    if level not in ("L", "M", "Q", "H"):
        raise ValueError(f"error correction level must be one of L, M, Q, H, not {ec!r}")
    return level


# Every "x y " and "w h re\n" string (coordinates 0..177), so a symbol's
# operators are one str.join over table look-ups, no per-rectangle formatting.
_XY_STR = np.array([f"{x} {y} " for x in range(178) for y in range(178)], dtype=object)
_WH_STR = np.array([f"{w} {h} re\n" for w in range(178) for h in range(178)], dtype=object)


class _Batch:
    """Symbols encoded together.  Runs and PDF operators are derived
    vectorised over slices of ``_RENDER_CHUNK`` symbols (small temporaries
    are much faster than huge ones), the first time a member asks."""

    def __init__(self, modules: np.ndarray) -> None:
        self.modules = modules          # (B, size, size) bool
        self._runs: dict[int, tuple[np.ndarray, ...]] = {}
        self._ops: dict[int, list[str]] = {}

    def run_arrays(self, chunk: int) -> tuple[np.ndarray, ...]:
        """(offsets per symbol, symbol, row, first_col, length) of the dark runs
        of symbols chunk*_RENDER_CHUNK ... (symbol numbers relative to that)."""
        runs = self._runs.get(chunk)
        if runs is None:
            m = self.modules[chunk * _RENDER_CHUNK : (chunk + 1) * _RENDER_CHUNK]
            batch, size, _ = m.shape
            padded = np.zeros((batch, size, size + 2), np.int8)
            padded[:, :, 1:-1] = m
            edges = np.diff(padded, axis=2)
            sym, row, first = np.nonzero(edges == 1)
            end = np.nonzero(edges == -1)[2]    # same (symbol, row) order as starts
            offsets = np.zeros(batch + 1, np.intp)
            np.cumsum(np.bincount(sym, minlength=batch), out=offsets[1:])
            runs = self._runs[chunk] = (offsets, sym, row, first, end - first)
        return runs

    def pdf_ops(self, index: int) -> str:
        chunk, i = divmod(index, _RENDER_CHUNK)
        ops = self._ops.get(chunk)
        if ops is None:
            ops = self._ops[chunk] = self._build_ops(chunk)
        return ops[i]

    def _build_ops(self, chunk: int) -> list[str]:
        m = self.modules[chunk * _RENDER_CHUNK : (chunk + 1) * _RENDER_CHUNK]
        batch, size, _ = m.shape
        idx = np.arange(size, dtype=np.int16)
        # Run length at each run start: (next light column) - column.
        next_light = np.where(m, np.int16(size), idx)[:, :, ::-1]
        next_light = np.minimum.accumulate(next_light, axis=2)[:, :, ::-1]
        starts = m.copy()
        starts[:, :, 1:] &= ~m[:, :, :-1]
        # run_len[:, r + 1, c]; row 0 is a sentinel so "same run as in the row
        # above" (a continuation, merged into a taller rectangle) needs no
        # bounds check.
        run_len = np.zeros((batch, size + 1, size), np.int16)
        run_len[:, 1:] = np.where(starts, next_light - idx, 0)
        cont = run_len[:, 1:] == run_len[:, :-1]
        cont &= starts
        head = starts & ~cont
        # Height of a rectangle starting at row r: (first row > r that does
        # not continue it) - r.
        stop = np.where(cont, np.int16(size), idx[:, None])[:, ::-1]
        stop = np.minimum.accumulate(stop, axis=1)[:, ::-1]
        height = np.full((batch, size, size), size, np.int16)
        height[:, :-1] = stop[:, 1:]
        height -= idx[:, None]
        flat = np.flatnonzero(head)                   # symbol-major, row-major
        within = flat % (size * size)
        row, col = np.divmod(within, size)
        y = size - row - height.ravel()[flat]
        parts = np.empty((len(flat), 2), dtype=object)
        parts[:, 0] = _XY_STR[col * 178 + y]
        parts[:, 1] = _WH_STR[run_len[:, 1:].ravel()[flat] * 178 + height.ravel()[flat]]
        parts = parts.ravel().tolist()
        ends = np.cumsum(np.count_nonzero(head.reshape(batch, -1), axis=1) * 2).tolist()
        return ["".join(parts[a:b]) + "f" for a, b in zip([0] + ends[:-1], ends)]


@dataclass(frozen=True, eq=False)
class QrMatrix:
    """One encoded QR symbol; ``modules[row, col]`` is True for dark, row 0 = top.

    No quiet zone is included (add 4 modules of light margin when rendering).
    """

    size: int
    version: int
    ec: str
    mask: int
    modules: np.ndarray  # (size, size) bool, read-only
    _batch: _Batch | None = field(default=None, repr=False)
    _index: int = field(default=0, repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QrMatrix):
            return NotImplemented
        return (self.version, self.ec, self.mask) == (other.version, other.ec, other.mask) and bool(
            np.array_equal(self.modules, other.modules))

    def __hash__(self) -> int:
        return hash((self.version, self.ec, self.mask, self.modules.tobytes()))

    def _where(self) -> tuple[_Batch, int]:
        if self._batch is None:  # built directly, not by encode_many
            object.__setattr__(self, "_batch", _Batch(self.modules[None]))
        return self._batch, self._index  # type: ignore[return-value]

    def rows(self) -> list[list[bool]]:
        return self.modules.tolist()

    def runs(self) -> tuple[tuple[int, int, int], ...]:
        """Horizontal runs of dark modules as ``(row, first_col, length)``, row-major."""
        batch, index = self._where()
        chunk, i = divmod(index, _RENDER_CHUNK)
        offsets, _, row, first, length = batch.run_arrays(chunk)
        lo, hi = offsets[i], offsets[i + 1]
        return tuple(zip(row[lo:hi].tolist(), first[lo:hi].tolist(), length[lo:hi].tolist()))

    def pdf_path_ops(self) -> str:
        """PDF operators filling the dark modules: ``x y w h re`` lines + ``f``.

        Module units, origin at the bottom-left corner of the symbol, y up,
        integers only; wrap as ``q s 0 0 s X Y cm <ops> Q``.  Runs identical
        in consecutive rows are merged into one taller rectangle.  Computed
        once, for all symbols of the ``encode_many`` call together.
        """
        batch, i = self._where()
        return batch.pdf_ops(i)


def encode_many(data: Sequence[str], ec: str = "M", *, mask: int | None = None,
                version: int | None = None) -> list[QrMatrix]:
    """Encode many strings (byte mode, UTF-8); output order = input order.

    Inputs are grouped by UTF-8 byte length (hence version) and each group is
    encoded in one vectorised pass.  ``mask`` forces a data mask (0-7) instead
    of the penalty-based choice; ``version`` forces a version (1-40) instead
    of the smallest that fits.  Raises ValueError for data too long.
    """
    level = _check_ec(ec)
    if mask is not None and mask not in range(8):
        raise ValueError(f"mask must be in 0..7, not {mask!r}")
    if version is not None and version not in range(1, 41):
        raise ValueError(f"version must be in 1..40, not {version!r}")
    raw = [s.encode("utf-8") for s in data]
    groups: dict[int, list[int]] = {}
    for i, b in enumerate(raw):
        groups.setdefault(len(b), []).append(i)
    out: list[QrMatrix | None] = [None] * len(raw)
    for n, idxs in groups.items():
        if version is None:
            ver = _smallest_version(n, level)
        else:
            ver = version
            if n > _layout(ver, level).max_bytes:
                raise ValueError(
                    f"data too long for version {ver}-{level}: {n} UTF-8 bytes, "
                    f"at most {_layout(ver, level).max_bytes} fit")
        size = ver * 4 + 17
        chunk = max(1, _CHUNK_MODULES // (size * size))
        for lo in range(0, len(idxs), chunk):
            part = idxs[lo : lo + chunk]
            payload = np.frombuffer(b"".join([raw[i] for i in part]), np.uint8).reshape(len(part), n)
            mats, chosen = _encode_group(payload, ver, level, mask)
            mats.flags.writeable = False
            batch = _Batch(mats)
            for j, (i, m, k) in enumerate(zip(part, mats, chosen.tolist())):
                out[i] = QrMatrix(size, ver, level, k, m, batch, j)
    return out  # type: ignore[return-value]


def encode(data: str, ec: str = "M", *, mask: int | None = None,
           version: int | None = None) -> QrMatrix:
    """Encode one string (byte mode, UTF-8) as the smallest QR symbol that fits."""
    return encode_many([data], ec, mask=mask, version=version)[0]


def symbol_size(data: str, ec: str = "M") -> int:
    """Modules per side of the smallest symbol holding `data` (byte mode), without encoding it.

    Raises ValueError when no QR code version holds it."""
    return _smallest_version(len(data.encode("utf-8")), ec) * 4 + 17
