// The optional proof of work of the public request form (see intake/proof.py).
// Runs only when the form carries a challenge; the form works without it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-proof-bits]");
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) { return; }
  var bits = parseInt(form.getAttribute("data-proof-bits"), 10);
  var challenge = form.querySelector("input[name=proof_challenge]");
  var nonceField = form.querySelector("input[name=proof_nonce]");
  var story = form.querySelector("[name=happened]");
  var encoder = new TextEncoder();
  var working = false;

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function zeroBits(buffer) {
    var bytes = new Uint8Array(buffer), count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      for (var mask = 0x80; mask && !(bytes[i] & mask); mask >>= 1) { count++; }
      break;
    }
    return count;
  }
  async function solve() {
    var digest = hex(await crypto.subtle.digest("SHA-256", encoder.encode(story.value.trim())));
    var prefix = challenge.value + ":" + digest + ":";
    for (var nonce = 0; ; nonce++) {
      var hash = await crypto.subtle.digest("SHA-256", encoder.encode(prefix + nonce));
      if (zeroBits(hash) >= bits) { return String(nonce); }
    }
  }
  form.addEventListener("submit", function (event) {
    if (nonceField.value || working) { return; }
    event.preventDefault();
    working = true;
    solve().then(function (nonce) {
      nonceField.value = nonce;
      form.submit();
    }, function () { form.submit(); });
  });
})();
