// The proof of work of the public request form (see intake/proof.py).
// While the person writes, it finds a number such that
// SHA-256("challenge:number") starts with the number of zero bits the
// challenge asks, and sends it with the form: a request with a proof gets
// through a flood. The form works the same without this script.
//
// SHA-256 is computed here rather than with crypto.subtle: subtle needs a
// secure context and answers each hash asynchronously, which is tens of
// times slower for short inputs. The challenge's whole 64-byte blocks are
// hashed once; each try hashes only the last block. The search runs in a
// Worker (this same file) where the browser allows one, else in slices of
// the page's own time.
(function () {
  "use strict";
  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ]);
  var IV = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
  ];
  var W = new Int32Array(64);

  // One SHA-256 compression of the 16 words M into the state H.
  function compress(H, M) {
    var i, x, y, t1, t2;
    var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (i = 0; i < 16; i++) { W[i] = M[i]; }
    for (i = 16; i < 64; i++) {
      x = W[i - 15];
      y = W[i - 2];
      W[i] = (((x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ (x >>> 3)) + W[i - 7] +
        ((y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ (y >>> 10)) + W[i - 16]) | 0;
    }
    for (i = 0; i < 64; i++) {
      t1 = (h + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) +
        ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      t2 = (((a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10)) +
        ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }

  function zeroBits(H) {
    for (var i = 0, count = 0; i < 8; i++) {
      if (H[i] !== 0) { return count + Math.clz32(H[i]); }
      count += 32;
    }
    return count;
  }

  // The search for one challenge (ASCII text), a step at a time.
  function Search(challenge, bits) {
    var prefix = challenge + ":";
    this.bits = bits;
    this.whole = prefix.length - prefix.length % 64;
    this.rest = prefix.slice(this.whole);
    this.mid = new Int32Array(IV);
    this.state = new Int32Array(8);
    this.block = new Uint8Array(128);
    this.words = new Int32Array(16);
    this.digits = [0];
    for (var start = 0; start < this.whole; start += 64) {
      this.load(prefix, start);
      compress(this.mid, this.words);
    }
    for (var i = 0; i < this.rest.length; i++) { this.block[i] = this.rest.charCodeAt(i); }
  }
  Search.prototype.load = function (text, start) {
    for (var j = 0; j < 16; j++) {
      var p = start + 4 * j;
      this.words[j] = (text.charCodeAt(p) << 24) | (text.charCodeAt(p + 1) << 16) |
        (text.charCodeAt(p + 2) << 8) | text.charCodeAt(p + 3);
    }
  };
  Search.prototype.tryNext = function () {
    var rest = this.rest, digits = this.digits, block = this.block, words = this.words;
    var state = this.state, r = rest.length, n = r + digits.length, i, j, b;
    var blocks = n + 9 > 64 ? 2 : 1, end = blocks * 64, bitLength = (this.whole + n) * 8;
    for (i = 0; i < digits.length; i++) { block[r + i] = 48 + digits[i]; }
    block[n] = 0x80;
    for (i = n + 1; i < end - 4; i++) { block[i] = 0; }
    block[end - 4] = bitLength >>> 24; block[end - 3] = bitLength >>> 16;
    block[end - 2] = bitLength >>> 8; block[end - 1] = bitLength;
    state.set(this.mid);
    for (b = 0; b < blocks; b++) {
      for (j = 0; j < 16; j++) {
        i = 64 * b + 4 * j;
        words[j] = (block[i] << 24) | (block[i + 1] << 16) | (block[i + 2] << 8) | block[i + 3];
      }
      compress(state, words);
    }
    return zeroBits(state) >= this.bits;
  };
  // The next number, as decimal digits (most significant first).
  Search.prototype.count = function () {
    var digits = this.digits, i = digits.length - 1;
    while (i >= 0 && digits[i] === 9) { digits[i] = 0; i--; }
    if (i < 0) { digits.unshift(1); } else { digits[i]++; }
  };
  // Up to `tries` tries; the number found as text, or null to go on.
  Search.prototype.step = function (tries) {
    for (var k = 0; k < tries; k++) {
      if (this.tryNext()) { return this.digits.join(""); }
      this.count();
    }
    return null;
  };

  if (typeof document === "undefined") {
    // In a Worker: search for the challenge the page sends, send back the number.
    self.onmessage = function (message) {
      var search = new Search(message.data.challenge, message.data.bits), found = null;
      while (found === null) { found = search.step(65536); }
      self.postMessage(found);
    };
    return;
  }

  var script = document.currentScript;
  var form = document.querySelector("form[data-proof-bits]");
  if (!form) { return; }
  var challenge = form.querySelector("input[name=proof_challenge]").value;
  var bits = parseInt(challenge.split(".")[1], 10);
  var nonceField = form.querySelector("input[name=proof_nonce]");
  var status = form.querySelector(".proof-status");
  var found = null, waiting = false, searching = false;
  var GIVE_UP_MS = 60000;  // then the form is sent without a proof

  function send() {
    waiting = false;
    form.submit();
  }
  function done(nonce) {
    found = nonce;
    nonceField.value = nonce;
    if (waiting) { send(); }
  }
  function inSlices() {
    var search = new Search(challenge, bits);
    (function slice() {
      var until = Date.now() + 25, nonce;
      while ((nonce = search.step(2048)) === null) {
        if (Date.now() > until) { setTimeout(slice, 0); return; }
      }
      done(nonce);
    })();
  }
  function start() {
    if (searching || !(bits > 0)) { return; }
    searching = true;
    var worker = null;
    try {
      worker = new Worker(script.src);
    } catch (refused) {
      worker = null;
    }
    if (worker === null) { inSlices(); return; }
    worker.onmessage = function (message) { done(message.data); worker.terminate(); };
    worker.onerror = function (event) {
      event.preventDefault();
      worker.terminate();
      inSlices();
    };
    worker.postMessage({ challenge: challenge, bits: bits });
  }

  form.addEventListener("submit", function (event) {
    if (found !== null || !(bits > 0)) { return; }
    event.preventDefault();
    if (waiting) { return; }
    waiting = true;
    if (status) { status.textContent = form.getAttribute("data-proof-waiting"); }
    start();
    setTimeout(function () { if (waiting) { send(); } }, GIVE_UP_MS);
  });
  // Start at once: the search is done long before the person has written.
  start();
})();
