/* safepassage.vault._bulk: opens many field values with libsodium, for list
   pages (see vault/bulk.py and crypto.decrypt_into).

   Opening one value from Python costs about a microsecond of call overhead
   for well under a microsecond of cryptography; a page of a thousand rows
   opens thousands. This loop makes the same libsodium call
   (crypto_aead_xchacha20poly1305_ietf_decrypt or crypto_aead_aegis256_decrypt,
   as each value's key says) for every value of a batch, and hands each
   plaintext straight to its instance, so the overhead is paid once. It does
   no cryptography of its own: it is handed the addresses of PyNaCl's
   libsodium functions (the library PyNaCl initialised), builds
   each value's associated data exactly as vault.fields does
   (header || field's place || row id), and checks the padding as
   crypto.decrypt does.

   A value is opened only with the key whose header starts it. A value with
   no such key, too short, forged or padded wrongly is left as it was, never
   guessed at: reading it then takes the one-value path, which raises the
   usual error.

   It also spells each row's id as the associated data names it (row_ids),
   which from Python cost a quarter of a microsecond a row.

   Built by setup.py at install. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define HEADER_BYTES 8 /* magic, kind, compartment, version */
#define KEY_BYTES 32
#define PAD_BLOCK 32
#define MAX_CIPHERS 4

typedef int (*aead_open_fn)(
    unsigned char *m, unsigned long long *mlen_p, unsigned char *nsec,
    const unsigned char *c, unsigned long long clen,
    const unsigned char *ad, unsigned long long adlen,
    const unsigned char *npub, const unsigned char *k);

typedef struct {
    aead_open_fn open;
    Py_ssize_t nonce_bytes, tag_bytes;
} cipher;

/* What every value of one call shares. */
typedef struct {
    cipher ciphers[MAX_CIPHERS];
    Py_ssize_t cipher_count;
    const unsigned char *suites;  /* the cipher of each key: an index into ciphers */
    const unsigned char *prefix;
    Py_ssize_t prefix_size;
    const unsigned char *headers; /* 8 bytes a key */
    const unsigned char *keys;    /* 32 bytes a key */
    Py_ssize_t key_count;
    unsigned char *associated;    /* header || prefix || row */
    Py_ssize_t associated_room;
    unsigned char *plain;         /* one plaintext at a time */
    Py_ssize_t plain_room;
} batch;

static void wipe(void *p, size_t n) {
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (n--) *v++ = 0;
}

/* Opens one value into b->plain. Returns its unpadded size, -1 if it does
   not open, -2 if there was no memory for it. */
static Py_ssize_t open_one(batch *b, const unsigned char *value, Py_ssize_t size,
                           const unsigned char *row, Py_ssize_t row_size) {
    Py_ssize_t key, nonce_bytes, tag_bytes;
    const cipher *c;
    unsigned long long padded = 0;
    if (size < HEADER_BYTES) return -1;
    for (key = 0; key < b->key_count; key++) {
        if (memcmp(value, b->headers + HEADER_BYTES * key, HEADER_BYTES) == 0) break;
    }
    if (key == b->key_count) return -1;
    c = &b->ciphers[b->suites[key]];
    nonce_bytes = c->nonce_bytes;
    tag_bytes = c->tag_bytes;
    if (size < HEADER_BYTES + nonce_bytes + tag_bytes) return -1;
    if (size - HEADER_BYTES - nonce_bytes - tag_bytes > b->plain_room) {
        /* Room for a longer plaintext; the old one is wiped first. */
        Py_ssize_t room = size - HEADER_BYTES - nonce_bytes - tag_bytes;
        unsigned char *larger = PyMem_Malloc((size_t)room);
        if (larger == NULL) return -2;
        wipe(b->plain, (size_t)b->plain_room);
        PyMem_Free(b->plain);
        b->plain = larger;
        b->plain_room = room;
    }
    if (HEADER_BYTES + b->prefix_size + row_size > b->associated_room) return -1;
    memcpy(b->associated, value, HEADER_BYTES);
    memcpy(b->associated + HEADER_BYTES + b->prefix_size, row, (size_t)row_size);
    if (c->open(b->plain, &padded, NULL,
                value + HEADER_BYTES + nonce_bytes,
                (unsigned long long)(size - HEADER_BYTES - nonce_bytes),
                b->associated, (unsigned long long)(HEADER_BYTES + b->prefix_size + row_size),
                value + HEADER_BYTES, b->keys + KEY_BYTES * key) != 0) {
        return -1;
    }
    /* ISO/IEC 7816-4 padding, as sodium_pad writes it: 0x80, then fewer
       than PAD_BLOCK zeros. */
    size_t kept = (size_t)padded;
    while (kept > 0 && b->plain[kept - 1] == 0 && padded - kept < PAD_BLOCK) kept--;
    if (kept == 0 || b->plain[kept - 1] != 0x80 || padded - kept >= PAD_BLOCK) return -1;
    return (Py_ssize_t)(kept - 1);
}

/* Reads the arguments every function shares and makes room for the
   longest associated data and a first plaintext. */
static int batch_start(batch *b, PyObject *ciphers, Py_buffer *prefix, Py_buffer *headers,
                       Py_buffer *keys, Py_buffer *suites, PyObject *rows) {
    Py_ssize_t longest_row = 0, i, count;
    b->cipher_count = PyTuple_GET_SIZE(ciphers);
    if (b->cipher_count > MAX_CIPHERS) {
        PyErr_SetString(PyExc_ValueError, "too many ciphers");
        return -1;
    }
    for (i = 0; i < b->cipher_count; i++) {
        PyObject *item = PyTuple_GET_ITEM(ciphers, i), *address;
        void *pointer;
        if (!PyTuple_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "a cipher is (address, nonce size, tag size)");
            return -1;
        }
        if (!PyArg_ParseTuple(item, "Onn", &address, &b->ciphers[i].nonce_bytes,
                              &b->ciphers[i].tag_bytes)) {
            return -1;
        }
        pointer = PyLong_AsVoidPtr(address);
        if (pointer == NULL) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "no libsodium function");
            return -1;
        }
        if (b->ciphers[i].nonce_bytes < 0 || b->ciphers[i].tag_bytes < 0) {
            PyErr_SetString(PyExc_ValueError, "a cipher has a negative size");
            return -1;
        }
        b->ciphers[i].open = (aead_open_fn)pointer;
    }
    if (headers->len % HEADER_BYTES != 0 || keys->len % KEY_BYTES != 0
        || headers->len / HEADER_BYTES != keys->len / KEY_BYTES
        || suites->len != keys->len / KEY_BYTES) {
        PyErr_SetString(PyExc_ValueError, "a key or header has the wrong size");
        return -1;
    }
    for (i = 0; i < suites->len; i++) {
        if (((const unsigned char *)suites->buf)[i] >= b->cipher_count) {
            PyErr_SetString(PyExc_ValueError, "a key names no cipher");
            return -1;
        }
    }
    count = PyList_GET_SIZE(rows);
    for (i = 0; i < count; i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        if (!PyBytes_Check(row)) {
            PyErr_SetString(PyExc_TypeError, "row ids are bytes");
            return -1;
        }
        if (PyBytes_GET_SIZE(row) > longest_row) longest_row = PyBytes_GET_SIZE(row);
    }
    b->suites = suites->buf;
    b->prefix = prefix->buf;
    b->prefix_size = prefix->len;
    b->headers = headers->buf;
    b->keys = keys->buf;
    b->key_count = keys->len / KEY_BYTES;
    b->associated_room = HEADER_BYTES + prefix->len + longest_row;
    b->plain_room = 1024; /* grows for longer values */
    b->associated = PyMem_Malloc((size_t)b->associated_room);
    b->plain = PyMem_Malloc((size_t)b->plain_room);
    if (b->associated == NULL || b->plain == NULL) {
        PyMem_Free(b->associated);
        PyMem_Free(b->plain);
        PyErr_NoMemory();
        return -1;
    }
    memcpy(b->associated + HEADER_BYTES, prefix->buf, (size_t)prefix->len);
    return 0;
}

static void batch_end(batch *b) {
    wipe(b->plain, (size_t)b->plain_room);
    PyMem_Free(b->plain);
    PyMem_Free(b->associated);
}

/* open_into(ciphers, states, attname, name, prefix, rows, headers, keys, suites,
             decode) -> int

   ciphers are (address of a libsodium AEAD decrypt function, nonce size,
   tag size); key i (8 bytes of headers, 32 of keys) is used with cipher
   suites[i]. states are the instances' __dict__s, rows their row ids. For every state
   that holds stored bytes at attname and no plaintext at name, opens the
   bytes and sets state[name] to the plaintext: decoded as UTF-8 when decode
   is None, else decode(plaintext bytes). A value that does not open is left
   alone. An error of decoding is raised, as reading one value raises it.
   Returns how many values were opened. */
static PyObject *open_into(PyObject *self, PyObject *args) {
    PyObject *ciphers, *states, *attname, *name, *rows, *decode;
    Py_buffer prefix, headers, keys, suites;
    Py_ssize_t i, count, opened = 0;
    int failed = 0;
    batch b;
    if (!PyArg_ParseTuple(args, "O!O!UUy*O!y*y*y*O", &PyTuple_Type, &ciphers, &PyList_Type,
                          &states, &attname, &name, &prefix, &PyList_Type, &rows, &headers,
                          &keys, &suites, &decode)) {
        return NULL;
    }
    count = PyList_GET_SIZE(states);
    if (PyList_GET_SIZE(rows) != count) {
        PyErr_SetString(PyExc_ValueError, "one row per instance");
        failed = 1;
        goto done;
    }
    for (i = 0; i < count; i++) {
        if (!PyDict_Check(PyList_GET_ITEM(states, i))) {
            PyErr_SetString(PyExc_TypeError, "states are dictionaries");
            failed = 1;
            goto done;
        }
    }
    if (batch_start(&b, ciphers, &prefix, &headers, &keys, &suites, rows) < 0) {
        failed = 1;
        goto done;
    }
    for (i = 0; i < count && !failed; i++) {
        PyObject *state, *row, *value, *plaintext;
        Py_buffer stored;
        Py_ssize_t size;
        int held;
        /* decode is Python: it could change the lists, so each item is
           checked again and held for its iteration. */
        if (i >= PyList_GET_SIZE(states) || i >= PyList_GET_SIZE(rows)
            || !PyDict_Check(PyList_GET_ITEM(states, i))
            || !PyBytes_Check(PyList_GET_ITEM(rows, i))) {
            PyErr_SetString(PyExc_RuntimeError, "the rows changed while they were opened");
            failed = 1;
            break;
        }
        state = PyList_GET_ITEM(states, i);
        row = PyList_GET_ITEM(rows, i);
        Py_INCREF(state);
        Py_INCREF(row);
        held = PyDict_Contains(state, name);
        if (held != 0) { /* plaintext held (read or assigned), or an error */
            failed = held < 0;
            goto next;
        }
        value = PyDict_GetItemWithError(state, attname); /* borrowed */
        if (value == NULL || value == Py_None) { /* not loaded, or NULL in the database */
            failed = PyErr_Occurred() != NULL;
            goto next;
        }
        if (PyObject_GetBuffer(value, &stored, PyBUF_SIMPLE) < 0) {
            failed = 1;
            goto next;
        }
        size = open_one(&b, stored.buf, stored.len, (const unsigned char *)PyBytes_AS_STRING(row),
                        PyBytes_GET_SIZE(row));
        PyBuffer_Release(&stored);
        if (size == -2) {
            PyErr_NoMemory();
            failed = 1;
            goto next;
        }
        if (size < 0) goto next; /* left for the one-value path to raise its error */
        if (decode == Py_None) {
            plaintext = PyUnicode_DecodeUTF8((const char *)b.plain, size, "strict");
        } else {
            PyObject *raw = PyBytes_FromStringAndSize((const char *)b.plain, size);
            plaintext = raw == NULL ? NULL : PyObject_CallOneArg(decode, raw);
            Py_XDECREF(raw);
        }
        if (plaintext == NULL || PyDict_SetItem(state, name, plaintext) < 0) {
            failed = 1;
        } else {
            opened++;
        }
        Py_XDECREF(plaintext);
    next:
        Py_DECREF(row);
        Py_DECREF(state);
    }
    batch_end(&b);
done:
    PyBuffer_Release(&prefix);
    PyBuffer_Release(&headers);
    PyBuffer_Release(&keys);
    PyBuffer_Release(&suites);
    return failed ? NULL : PyLong_FromSsize_t(opened);
}

/* row_ids(states, pk_name, uuid_type) -> list[bytes]

   Each state's row id as the associated data names it (vault.fields): the
   32 lowercase hexadecimal digits of a uuid.UUID key (its .hex), else
   str(key), as UTF-8. */
static PyObject *row_ids(PyObject *self, PyObject *args) {
    static const char digits[] = "0123456789abcdef";
    PyObject *states, *pk_name, *uuid_type, *result, *sixty_four;
    Py_ssize_t i, count;
    if (!PyArg_ParseTuple(args, "O!UO!", &PyList_Type, &states, &pk_name, &PyType_Type,
                          &uuid_type)) {
        return NULL;
    }
    count = PyList_GET_SIZE(states);
    result = PyList_New(count);
    sixty_four = PyLong_FromLong(64);
    if (result == NULL || sixty_four == NULL) goto fail;
    for (i = 0; i < count; i++) {
        PyObject *state = PyList_GET_ITEM(states, i), *key, *item = NULL;
        if (!PyDict_Check(state)) {
            PyErr_SetString(PyExc_TypeError, "states are dictionaries");
            goto fail;
        }
        key = PyDict_GetItemWithError(state, pk_name); /* borrowed */
        if (key == NULL) {
            if (!PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, pk_name);
            goto fail;
        }
        if (Py_TYPE(key) == (PyTypeObject *)uuid_type) {
            PyObject *number = PyObject_GetAttrString(key, "int"), *high_part;
            unsigned long long high = 0, low = 0;
            if (number == NULL) goto fail;
            low = PyLong_AsUnsignedLongLongMask(number);
            high_part = low == (unsigned long long)-1 && PyErr_Occurred()
                            ? NULL
                            : PyNumber_Rshift(number, sixty_four);
            Py_DECREF(number);
            if (high_part == NULL) goto fail;
            high = PyLong_AsUnsignedLongLong(high_part); /* raises beyond 128 bits */
            Py_DECREF(high_part);
            if (high == (unsigned long long)-1 && PyErr_Occurred()) goto fail;
            item = PyBytes_FromStringAndSize(NULL, 32);
            if (item != NULL) {
                char *out = PyBytes_AS_STRING(item);
                for (int j = 0; j < 16; j++) {
                    out[15 - j] = digits[(high >> (4 * j)) & 0xf];
                    out[31 - j] = digits[(low >> (4 * j)) & 0xf];
                }
            }
        } else {
            PyObject *text = PyObject_Str(key);
            if (text != NULL) item = PyUnicode_AsUTF8String(text);
            Py_XDECREF(text);
        }
        if (item == NULL) goto fail;
        PyList_SET_ITEM(result, i, item);
    }
    Py_DECREF(sixty_four);
    return result;
fail:
    Py_XDECREF(sixty_four);
    Py_XDECREF(result);
    return NULL;
}

static PyMethodDef methods[] = {
    {"row_ids", row_ids, METH_VARARGS, "row_ids(states, pk_name, uuid_type) -> list[bytes]"},
    {"open_into", open_into, METH_VARARGS,
     "open_into(ciphers, states, attname, name, prefix, rows, headers, keys, suites, decode)"
     " -> int"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "safepassage.vault._bulk",
    .m_doc = "Opens many field values with libsodium, for list pages (see vault/bulk.py).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__bulk(void) { return PyModule_Create(&module); }
