"""Builds ``safepassage.vault._bulk``: one C loop that opens many field
values with libsodium, for list pages (see ``vault.bulk``).

Opening one value from Python costs about a microsecond of call overhead
for well under a microsecond of cryptography; a page of a thousand rows
opens thousands. This loop makes the same libsodium call,
crypto_aead_xchacha20poly1305_ietf_decrypt, for every value of a batch,
so the overhead is paid once. It does no cryptography of its own: it is
handed the address of PyNaCl's libsodium function (the library that
PyNaCl initialised), builds each value's associated data exactly as
``vault.fields`` does, and checks the padding as ``crypto.decrypt`` does.

Every offset comes from Python's own lengths; the loop still checks each
against the sizes it is given, and a value that does not fit, fails to
authenticate or is padded wrongly is reported as failed, never guessed.

Built by setup.py (cffi's setuptools integration) at install.
"""

from __future__ import annotations

import cffi

CDEF = """
size_t sp_open_many(
    uintptr_t aead_open, size_t count,
    const unsigned char *values, size_t values_size, const size_t *value_ends,
    const unsigned char *prefix, size_t prefix_size,
    const unsigned char *rows, size_t rows_size, const size_t *row_ends,
    const unsigned char *headers, const unsigned char *keys, size_t key_count,
    unsigned char *out, size_t *out_sizes);
"""

SOURCE = r"""
#include <stdint.h>
#include <string.h>

/* The layout of a value, as vault.fields and vault.crypto write it. */
#define HEADER_BYTES 8   /* magic, kind, compartment, version */
#define NONCE_BYTES 24
#define TAG_BYTES 16
#define KEY_BYTES 32
#define PAD_BLOCK 32
#define MAX_ASSOCIATED 512

typedef int (*aead_open_fn)(
    unsigned char *m, unsigned long long *mlen_p, unsigned char *nsec,
    const unsigned char *c, unsigned long long clen,
    const unsigned char *ad, unsigned long long adlen,
    const unsigned char *npub, const unsigned char *k);

/* Opens value i (values[value_ends[i-1]:value_ends[i]]) with the key
   whose header (headers[8j:8j+8], keys[32j:32j+32]) starts the value, and
   associated data header || prefix || row i (rows[row_ends[i-1]:row_ends[i]]).
   Its plaintext, unpadded, goes to out at the value's own offset (a
   plaintext is shorter than its value), its size to out_sizes[i]; SIZE_MAX
   there means the value did not open (no key for its header, too short,
   forged, or padded wrongly). Returns how many opened. */
size_t sp_open_many(
    uintptr_t aead_open, size_t count,
    const unsigned char *values, size_t values_size, const size_t *value_ends,
    const unsigned char *prefix, size_t prefix_size,
    const unsigned char *rows, size_t rows_size, const size_t *row_ends,
    const unsigned char *headers, const unsigned char *keys, size_t key_count,
    unsigned char *out, size_t *out_sizes)
{
    aead_open_fn open_value = (aead_open_fn) aead_open;
    unsigned char associated[MAX_ASSOCIATED];
    size_t start = 0, row_start = 0, opened = 0;

    for (size_t i = 0; i < count; i++) {
        size_t end = value_ends[i], row_end = row_ends[i];
        out_sizes[i] = SIZE_MAX;
        if (end < start || end > values_size || row_end < row_start || row_end > rows_size) {
            /* Inconsistent offsets: refuse the rest. */
            for (size_t j = i + 1; j < count; j++) out_sizes[j] = SIZE_MAX;
            break;
        }
        size_t size = end - start, row_size = row_end - row_start;
        const unsigned char *value = values + start;
        size_t key = key_count;
        if (size >= HEADER_BYTES + NONCE_BYTES + TAG_BYTES) {
            for (key = 0; key < key_count; key++) {
                if (memcmp(value, headers + HEADER_BYTES * key, HEADER_BYTES) == 0) break;
            }
        }
        if (key < key_count
            && prefix_size <= MAX_ASSOCIATED - HEADER_BYTES
            && row_size <= MAX_ASSOCIATED - HEADER_BYTES - prefix_size) {
            size_t associated_size = HEADER_BYTES + prefix_size + row_size;
            unsigned long long padded = 0;
            memcpy(associated, value, HEADER_BYTES);
            memcpy(associated + HEADER_BYTES, prefix, prefix_size);
            memcpy(associated + HEADER_BYTES + prefix_size, rows + row_start, row_size);
            if (open_value(out + start, &padded, NULL,
                           value + HEADER_BYTES + NONCE_BYTES,
                           size - HEADER_BYTES - NONCE_BYTES,
                           associated, associated_size,
                           value + HEADER_BYTES, keys + KEY_BYTES * key) == 0) {
                /* ISO/IEC 7816-4 padding, as sodium_pad writes it: 0x80,
                   then fewer than PAD_BLOCK zeros. */
                size_t kept = (size_t) padded;
                while (kept > 0 && out[start + kept - 1] == 0 && padded - kept < PAD_BLOCK) kept--;
                if (kept > 0 && out[start + kept - 1] == 0x80 && padded - kept < PAD_BLOCK) {
                    out_sizes[i] = kept - 1;
                    opened++;
                }
            }
        }
        start = end;
        row_start = row_end;
    }
    return opened;
}
"""

ffibuilder = cffi.FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source("safepassage.vault._bulk", SOURCE)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
