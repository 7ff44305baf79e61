/* safepassage.vault._bulk: the compiled loop of list pages, an optional
   accelerator (see vault/bulk.py, which falls back to the same loop in
   Python where this module was not built).

   Opening one value from Python costs about a microsecond of call overhead
   for well under a microsecond of cryptography; a page of a thousand rows
   opens thousands. This loop makes the same libsodium calls for every value
   of a batch and hands each plaintext straight to its instance, so the
   overhead is paid once.

   It holds no rule of its own, only mechanical work. Everything it applies
   is handed to it by Python: the addresses of PyNaCl's libsodium functions
   (each cipher's decrypt, and sodium_unpad for the padding, with the block
   size of vault.crypto), the size of a value's header, the keys by the
   header of the values they open, the field's place without a row, and
   each row's id (vault.binding). A value is header || nonce || ciphertext;
   its associated data is its header followed by its place, which is the
   field's place followed by the row's id, as vault.binding.associated_data
   and EncryptedField.place_of make them. A value with no key for its
   header, too short, forged or padded wrongly is left as it was: reading
   it then takes the one-value path, which raises the usual error. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MAX_CIPHERS 4

typedef int (*aead_open_fn)(
    unsigned char *m, unsigned long long *mlen_p, unsigned char *nsec,
    const unsigned char *c, unsigned long long clen,
    const unsigned char *ad, unsigned long long adlen,
    const unsigned char *npub, const unsigned char *k);

typedef int (*unpad_fn)(size_t *unpadded_buflen_p, const unsigned char *buf,
                        size_t padded_buflen, size_t blocksize);

typedef struct {
    aead_open_fn open;
    Py_ssize_t nonce_bytes, tag_bytes, key_bytes;
} cipher;

typedef struct {
    const unsigned char *header;
    const unsigned char *key;
    const cipher *cipher;
} key_entry;

/* What every value of one call shares. */
typedef struct {
    cipher ciphers[MAX_CIPHERS];
    Py_ssize_t cipher_count;
    unpad_fn unpad;
    size_t pad_block;
    Py_ssize_t header_bytes;
    key_entry *keys;
    Py_ssize_t key_count;
    unsigned char *associated;    /* header || prefix (the field's place) || row */
    Py_ssize_t prefix_size;
    Py_ssize_t associated_room;
    unsigned char *plain;         /* one plaintext at a time */
    Py_ssize_t plain_room;
} batch;

static void wipe(void *p, size_t n) {
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (n--) *v++ = 0;
}

static void *address_of(PyObject *number, const char *what) {
    void *pointer = PyLong_AsVoidPtr(number);
    if (pointer == NULL && !PyErr_Occurred()) {
        PyErr_Format(PyExc_ValueError, "no libsodium function for %s", what);
    }
    return pointer;
}

/* Opens one value into b->plain. Returns its unpadded size, -1 if it does
   not open, -2 if there was no memory for it. */
static Py_ssize_t open_one(batch *b, const unsigned char *value, Py_ssize_t size,
                           const unsigned char *row, Py_ssize_t row_size) {
    Py_ssize_t k, body, header_bytes = b->header_bytes;
    const key_entry *entry = NULL;
    const cipher *c;
    unsigned long long padded = 0;
    size_t kept = 0;
    if (size < header_bytes) return -1;
    for (k = 0; k < b->key_count; k++) {
        if (memcmp(value, b->keys[k].header, (size_t)header_bytes) == 0) {
            entry = &b->keys[k];
            break;
        }
    }
    if (entry == NULL) return -1;
    c = entry->cipher;
    body = size - header_bytes - c->nonce_bytes; /* ciphertext and tag */
    if (body < c->tag_bytes) return -1;
    if (body - c->tag_bytes > b->plain_room) {
        /* Room for a longer plaintext; the old one is wiped first. */
        Py_ssize_t room = body - c->tag_bytes;
        unsigned char *larger = PyMem_Malloc((size_t)room);
        if (larger == NULL) return -2;
        wipe(b->plain, (size_t)b->plain_room);
        PyMem_Free(b->plain);
        b->plain = larger;
        b->plain_room = room;
    }
    if (header_bytes + b->prefix_size + row_size > b->associated_room) return -1;
    memcpy(b->associated, value, (size_t)header_bytes);
    memcpy(b->associated + header_bytes + b->prefix_size, row, (size_t)row_size);
    if (c->open(b->plain, &padded, NULL, value + header_bytes + c->nonce_bytes,
                (unsigned long long)body, b->associated,
                (unsigned long long)(header_bytes + b->prefix_size + row_size),
                value + header_bytes, entry->key) != 0) {
        return -1;
    }
    if (b->unpad(&kept, b->plain, (size_t)padded, b->pad_block) != 0) return -1;
    return (Py_ssize_t)kept;
}

/* Reads what every value shares and makes room for the longest associated
   data and a first plaintext. */
static int batch_start(batch *b, PyObject *ciphers, PyObject *unpad, Py_ssize_t pad_block,
                       Py_ssize_t header_bytes, PyObject *keys, Py_buffer *prefix,
                       PyObject *rows) {
    Py_ssize_t longest_row = 0, i, count;
    b->keys = NULL;
    b->associated = NULL;
    b->plain = NULL;
    b->cipher_count = PyTuple_GET_SIZE(ciphers);
    if (b->cipher_count > MAX_CIPHERS) {
        PyErr_SetString(PyExc_ValueError, "too many ciphers");
        return -1;
    }
    for (i = 0; i < b->cipher_count; i++) {
        PyObject *item = PyTuple_GET_ITEM(ciphers, i), *address;
        cipher *c = &b->ciphers[i];
        if (!PyTuple_Check(item)
            || !PyArg_ParseTuple(item, "Onnn", &address, &c->nonce_bytes, &c->tag_bytes,
                                 &c->key_bytes)) {
            if (!PyErr_Occurred() || PyErr_ExceptionMatches(PyExc_TypeError)) {
                PyErr_Clear();
                PyErr_SetString(PyExc_TypeError,
                                "a cipher is (address, nonce size, tag size, key size)");
            }
            return -1;
        }
        if (c->nonce_bytes < 0 || c->tag_bytes < 0 || c->key_bytes <= 0) {
            PyErr_SetString(PyExc_ValueError, "a cipher has a negative size");
            return -1;
        }
        c->open = (aead_open_fn)address_of(address, "a cipher");
        if (c->open == NULL) return -1;
    }
    b->unpad = (unpad_fn)address_of(unpad, "the padding");
    if (b->unpad == NULL) return -1;
    if (pad_block <= 0 || header_bytes <= 0) {
        PyErr_SetString(PyExc_ValueError, "the padding block and the header have a size");
        return -1;
    }
    b->pad_block = (size_t)pad_block;
    b->header_bytes = header_bytes;
    count = PyList_GET_SIZE(rows);
    for (i = 0; i < count; i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        if (!PyBytes_Check(row)) {
            PyErr_SetString(PyExc_TypeError, "row ids are bytes");
            return -1;
        }
        if (PyBytes_GET_SIZE(row) > longest_row) longest_row = PyBytes_GET_SIZE(row);
    }
    b->key_count = PyTuple_GET_SIZE(keys);
    b->keys = PyMem_Calloc((size_t)(b->key_count ? b->key_count : 1), sizeof(key_entry));
    b->prefix_size = prefix->len;
    b->associated_room = header_bytes + prefix->len + longest_row;
    b->associated = PyMem_Malloc((size_t)b->associated_room);
    b->plain_room = 1024; /* grows for longer values */
    b->plain = PyMem_Malloc((size_t)b->plain_room);
    if (b->keys == NULL || b->associated == NULL || b->plain == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(b->associated + header_bytes, prefix->buf, (size_t)prefix->len);
    /* The keys' bytes belong to the tuple, which the caller holds for the
       whole call and nothing can change. */
    for (i = 0; i < b->key_count; i++) {
        PyObject *item = PyTuple_GET_ITEM(keys, i), *header, *key;
        Py_ssize_t suite;
        if (!PyTuple_Check(item)
            || !PyArg_ParseTuple(item, "SSn", &header, &key, &suite)) {
            if (!PyErr_Occurred() || PyErr_ExceptionMatches(PyExc_TypeError)) {
                PyErr_Clear();
                PyErr_SetString(PyExc_TypeError, "a key is (header, key, cipher number)");
            }
            return -1;
        }
        if (suite < 0 || suite >= b->cipher_count) {
            PyErr_SetString(PyExc_ValueError, "a key names no cipher");
            return -1;
        }
        if (PyBytes_GET_SIZE(header) != header_bytes
            || PyBytes_GET_SIZE(key) != b->ciphers[suite].key_bytes) {
            PyErr_SetString(PyExc_ValueError, "a key or header has the wrong size");
            return -1;
        }
        b->keys[i].header = (const unsigned char *)PyBytes_AS_STRING(header);
        b->keys[i].key = (const unsigned char *)PyBytes_AS_STRING(key);
        b->keys[i].cipher = &b->ciphers[suite];
    }
    return 0;
}

static void batch_end(batch *b) {
    if (b->plain != NULL) wipe(b->plain, (size_t)b->plain_room);
    PyMem_Free(b->plain);
    PyMem_Free(b->associated);
    PyMem_Free(b->keys);
}

/* open_into(ciphers, unpad, pad_block, header_bytes, keys, states, attname, name,
             prefix, rows, decode) -> int

   ciphers are (address of a libsodium AEAD decrypt function, nonce size, tag
   size, key size); unpad is the address of libsodium's sodium_unpad, used
   with pad_block; keys are (header, key, the number of its cipher). states
   are the instances' __dict__s, rows their row ids, and prefix the field's
   place without a row, so that the place of state i is prefix || rows[i].
   For every state
   that holds stored bytes at attname and no plaintext at name, opens the
   bytes and sets state[name] to the plaintext: decoded as UTF-8 when
   decode is None, else decode(plaintext bytes). A value that does not open
   is left alone. An error of decoding is raised, as reading one value
   raises it. Returns how many values were opened. */
static PyObject *open_into(PyObject *self, PyObject *args) {
    PyObject *ciphers, *unpad, *keys, *states, *attname, *name, *rows, *decode;
    Py_buffer prefix;
    Py_ssize_t pad_block, header_bytes, i, count, opened = 0;
    int failed = 0;
    batch b;
    if (!PyArg_ParseTuple(args, "O!OnnO!O!UUy*O!O", &PyTuple_Type, &ciphers, &unpad, &pad_block,
                          &header_bytes, &PyTuple_Type, &keys, &PyList_Type, &states, &attname,
                          &name, &prefix, &PyList_Type, &rows, &decode)) {
        return NULL;
    }
    count = PyList_GET_SIZE(states);
    if (PyList_GET_SIZE(rows) != count) {
        PyErr_SetString(PyExc_ValueError, "one row per instance");
        PyBuffer_Release(&prefix);
        return NULL;
    }
    for (i = 0; i < count; i++) {
        if (!PyDict_Check(PyList_GET_ITEM(states, i))) {
            PyErr_SetString(PyExc_TypeError, "states are dictionaries");
            PyBuffer_Release(&prefix);
            return NULL;
        }
    }
    if (batch_start(&b, ciphers, unpad, pad_block, header_bytes, keys, &prefix, rows) < 0) {
        batch_end(&b);
        PyBuffer_Release(&prefix);
        return NULL;
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
        size = open_one(&b, stored.buf, stored.len,
                        (const unsigned char *)PyBytes_AS_STRING(row), PyBytes_GET_SIZE(row));
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
    PyBuffer_Release(&prefix);
    return failed ? NULL : PyLong_FromSsize_t(opened);
}

static PyMethodDef methods[] = {
    {"open_into", open_into, METH_VARARGS,
     "open_into(ciphers, unpad, pad_block, header_bytes, keys, states, attname, name, prefix,"
     " rows, decode) -> int"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "safepassage.vault._bulk",
    .m_doc = "The compiled loop of list pages, an optional accelerator (see vault/bulk.py).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__bulk(void) { return PyModule_Create(&module); }
