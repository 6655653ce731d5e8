// In-browser verification of a certificate page, with WebCrypto only.
//
// The browser fetches the signed credential and the registry's JWKS and checks, itself:
// the JWS header, that the key is published and its kid is its RFC 7638 thumbprint, the
// Ed25519 signature, and that the signed content is what the page shows. Then the log:
// the C2SP tlog-proof bundle's checkpoint is a signed note under the log's verifier key,
// the RFC 9162 inclusion proof leads from the entry to the checkpoint's root, the entry
// carries this credential byte for byte, and the checkpoint is consistent with the log's
// latest one; when the registry names witnesses, that checkpoint carries the cosignatures
// its published policy (/log/policy) needs for its quorum. A compromised key is refused unless the log shows the credential was
// recorded before the compromise. Nothing here takes the server's word for a result.
"use strict";

(function () {
  const box = document.getElementById("browser-check");
  const messagesElement = document.getElementById("verify-messages");
  if (!box || !messagesElement) return;
  const M = JSON.parse(messagesElement.textContent);
  const resultElement = document.getElementById("browser-result");
  const stepsElement = document.getElementById("browser-steps");
  const encoder = new TextEncoder();

  class CheckFailed extends Error {}
  class Unavailable extends Error {}

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  function fail(detail) {
    throw new CheckFailed(detail);
  }

  function addStep(text, outcome, detail) {
    const item = document.createElement("li");
    item.className = "step step-" + outcome;
    item.dataset.outcome = outcome;
    const mark = document.createElement("span");
    mark.setAttribute("aria-hidden", "true");
    mark.className = "mark";
    mark.textContent = outcome === "passed" ? "\u2713" : outcome === "failed" ? "\u2717" : "\u2013";
    const body = document.createElement("span");
    body.append(text + ": ");
    const word = document.createElement("strong");
    word.textContent = M[outcome];
    body.append(word);
    if (detail) body.append(" \u2014 " + detail);
    item.append(mark, body);
    stepsElement.append(item);
  }

  // --- bytes -------------------------------------------------------------------------

  function fromBinary(binary) {
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function b64urlDecode(text, what) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) fail(what + " is not base64url");
    const standard = text.replace(/-/g, "+").replace(/_/g, "/");
    return fromBinary(atob(standard + "===".slice((standard.length + 3) % 4)));
  }

  function b64Decode(text, what) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) fail(what + " is not base64");
    return fromBinary(atob(text));
  }

  function b64urlEncode(bytes) {
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  function equalBytes(a, b) {
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  const NODE = new Uint8Array([1]); // RFC 6962 §2.1 domain separation
  const LEAF = new Uint8Array([0]);
  const nodeHash = (left, right) => sha256(concat(NODE, left, right));

  // --- Ed25519 -----------------------------------------------------------------------

  // RFC 8032 §7.1, test 1: the browser must verify this before it is trusted to verify.
  const TEST_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  const TEST_SIGNATURE =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

  function hex(text) {
    return new Uint8Array(text.match(/../g).map((pair) => parseInt(pair, 16)));
  }

  async function ed25519Works() {
    if (!window.isSecureContext || !window.crypto || !crypto.subtle) return false;
    try {
      const key = await crypto.subtle.importKey("raw", hex(TEST_KEY), { name: "Ed25519" }, false, ["verify"]);
      const good = await crypto.subtle.verify({ name: "Ed25519" }, key, hex(TEST_SIGNATURE), new Uint8Array());
      const tampered = hex(TEST_SIGNATURE);
      tampered[0] ^= 1;
      const bad = await crypto.subtle.verify({ name: "Ed25519" }, key, tampered, new Uint8Array());
      return good === true && bad === false;
    } catch (error) {
      return false;
    }
  }

  async function verifyEd25519(key, signature, message) {
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  }

  // --- fetching ----------------------------------------------------------------------

  async function fetchText(url, optional) {
    let response;
    try {
      response = await fetch(url, { credentials: "omit", cache: "no-store" });
    } catch (error) {
      fail(fill(M.network, { url }));
    }
    if (optional && (response.status === 404 || response.status === 501)) throw new Unavailable(url);
    if (!response.ok) fail(fill(M.network, { url }) + " (" + response.status + ")");
    return response.text();
  }

  // --- the credential ----------------------------------------------------------------

  function parseJws(token) {
    const parts = token.split(".");
    if (parts.length !== 3) fail("a compact JWS has 3 parts, got " + parts.length);
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let header, payload;
    try {
      header = JSON.parse(decoder.decode(b64urlDecode(parts[0], "header")));
      payload = JSON.parse(decoder.decode(b64urlDecode(parts[1], "payload")));
    } catch (error) {
      if (error instanceof CheckFailed) throw error;
      fail("the credential is not JSON");
    }
    if (!header || typeof header !== "object" || !payload || typeof payload !== "object") {
      fail("the credential's header or payload is not an object");
    }
    return {
      header,
      payload,
      signingInput: encoder.encode(parts[0] + "." + parts[1]),
      signature: b64urlDecode(parts[2], "signature"),
    };
  }

  function checkHeader(header) {
    if (header.alg !== "EdDSA") fail("alg is " + JSON.stringify(header.alg) + ", expected EdDSA");
    if (header.typ !== "vc+jwt") fail("typ is " + JSON.stringify(header.typ) + ", expected vc+jwt");
    if ("crit" in header) fail("the header has crit, which is not supported");
    if (typeof header.kid !== "string" || !header.kid) fail("the header has no kid");
  }

  async function thumbprint(x) {
    // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
    return b64urlEncode(await sha256(encoder.encode('{"crv":"Ed25519","kty":"OKP","x":"' + x + '"}')));
  }

  async function findKey(jwks, kid) {
    const keys = jwks && Array.isArray(jwks.keys) ? jwks.keys : fail("the JWKS has no keys");
    const jwk = keys.find((k) => k && k.kid === kid);
    if (!jwk) fail("key " + kid + " is not in the JWKS");
    if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(jwk.x)) {
      fail("key " + kid + " is not an Ed25519 public key");
    }
    if ((await thumbprint(jwk.x)) !== kid) fail("key id " + kid + " is not the thumbprint of its key");
    if (!["active", "retired", "compromised"].includes(jwk.status)) fail("key " + kid + " has no known status");
    const key = await crypto.subtle.importKey(
      "jwk",
      { kty: "OKP", crv: "Ed25519", x: jwk.x },
      { name: "Ed25519" },
      false,
      ["verify"],
    );
    return { jwk, key };
  }

  function checkContent(payload) {
    const shown = JSON.parse(document.getElementById("verify-page").textContent);
    const subject = payload.credentialSubject || {};
    const holder = subject.holder || {};
    const scheme = subject.scheme || {};
    const issuer = typeof payload.issuer === "object" && payload.issuer ? payload.issuer.id : payload.issuer;
    if (!issuer || payload.iss !== issuer) fail("iss does not equal issuer");
    if (!payload.id || payload.jti !== payload.id) fail("jti does not equal id");
    const fields = [
      ["certificate", subject.certificate, shown.code],
      ["holder", holder.legalName, shown.holder],
      ["registration number", holder.registrationNumber, shown.registration_number],
      ["scheme", scheme.id, shown.scheme],
      ["scheme version", scheme.version, shown.version],
      ["validUntil", Date.parse(payload.validUntil), Date.parse(shown.valid_until)],
    ];
    for (const [field, signed, shown] of fields) {
      if (signed !== shown) fail(fill(M.differs, { field }));
    }
  }

  // --- the log -----------------------------------------------------------------------

  function parseVkey(text) {
    const first = text.indexOf("+");
    const second = text.indexOf("+", first + 1);
    if (first < 1 || second < 0) fail("the log's verifier key is malformed");
    const name = text.slice(0, first);
    const id = text.slice(first + 1, second);
    const key = b64Decode(text.slice(second + 1), "verifier key");
    if (!/^[0-9a-f]{8}$/i.test(id) || key.length !== 33 || key[0] !== 1) fail("the log's verifier key is not Ed25519");
    return { name, id: hex(id.toLowerCase()), publicKey: key.slice(1) };
  }

  async function noteVerifier(vkey) {
    // c2sp.org/signed-note: key id = SHA-256(name || 0x0A || 0x01 || public key)[:4]
    const digest = await sha256(concat(encoder.encode(vkey.name + "\n"), new Uint8Array([1]), vkey.publicKey));
    if (!equalBytes(digest.slice(0, 4), vkey.id)) fail("the verifier key's id does not match its key");
    const key = await crypto.subtle.importKey("raw", vkey.publicKey, { name: "Ed25519" }, false, ["verify"]);
    return { name: vkey.name, id: vkey.id, key };
  }

  async function openNote(note, verifier) {
    const split = note.lastIndexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) fail("the checkpoint is not a signed note");
    const text = note.slice(0, split + 1);
    let verified = false;
    for (const line of note.slice(split + 2, -1).split("\n")) {
      if (!line.startsWith("\u2014 ")) fail("a signature line of the checkpoint is malformed");
      const [name, encoded] = line.slice(2).split(" ");
      if (name !== verifier.name) continue;
      const blob = b64Decode(encoded || "", "note signature");
      if (blob.length !== 68 || !equalBytes(blob.slice(0, 4), verifier.id)) continue;
      if (!(await verifyEd25519(verifier.key, blob.slice(4), encoder.encode(text)))) {
        fail("the log key's signature on the checkpoint does not verify");
      }
      verified = true;
    }
    if (!verified) fail("the checkpoint is not signed by the log key");
    const lines = text.split("\n");
    if (lines.length < 4 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) fail("the checkpoint is malformed");
    const root = b64Decode(lines[2], "checkpoint root");
    if (root.length !== 32) fail("the checkpoint root is not a SHA-256 hash");
    if (lines[0] !== verifier.name) fail("the checkpoint is from another log");
    return { origin: lines[0], size: Number(lines[1]), root };
  }

  function parseBundle(text) {
    const lines = text.split("\n");
    let at = 0;
    if (lines[at++] !== "c2sp.org/tlog-proof@v1") fail("the log proof is not a c2sp.org/tlog-proof");
    let extra = null;
    if (lines[at] && lines[at].startsWith("extra ")) extra = b64Decode(lines[at++].slice(6), "extra data");
    const indexLine = lines[at++] || "";
    if (!/^index (0|[1-9][0-9]*)$/.test(indexLine)) fail("the log proof has no index");
    const proof = [];
    while (at < lines.length && lines[at] !== "") proof.push(b64Decode(lines[at++], "proof hash"));
    if (at >= lines.length) fail("the log proof has no checkpoint");
    if (proof.some((h) => h.length !== 32)) fail("a proof hash is not 32 bytes");
    if (!extra) fail("the log proof carries no entry");
    return { index: Number(indexLine.slice(6)), proof, extra, checkpoint: lines.slice(at + 1).join("\n") };
  }

  // RFC 9162 §2.1.3.2
  async function verifyInclusion(index, size, leaf, proof, root) {
    if (index >= size) fail("the entry index " + index + " is beyond the tree size " + size);
    let fn = index;
    let sn = size - 1;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0) fail("the inclusion proof is too long");
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    if (sn !== 0) fail("the inclusion proof is too short");
    if (!equalBytes(r, root)) fail("the inclusion proof does not lead to the checkpoint's root");
  }

  // RFC 9162 §2.1.4.2
  async function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
    if (first > second) fail("the log shrank: " + second + " < " + first);
    if (first === second) {
      if (proof.length || !equalBytes(firstRoot, secondRoot)) fail("two checkpoints of one size differ");
      return;
    }
    if (!proof.length) fail("the consistency proof is empty");
    const path = Number.isInteger(Math.log2(first)) ? [firstRoot, ...proof] : proof.slice();
    let fn = first - 1;
    let sn = second - 1;
    while (fn % 2 === 1) {
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    let fr = path[0];
    let sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0) fail("the consistency proof is too long");
      if (fn % 2 === 1 || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    if (sn !== 0 || !equalBytes(fr, firstRoot) || !equalBytes(sr, secondRoot)) {
      fail("the checkpoints are not consistent: the log was rewritten");
    }
  }

  async function checkLog(token, data) {
    const [bundleText, vkeyText] = await Promise.all([
      fetchText(data.proofUrl, true),
      fetchText(data.vkeyUrl, true),
    ]);
    const verifier = await noteVerifier(parseVkey(vkeyText.trim()));
    const bundle = parseBundle(bundleText);
    const checkpoint = await openNote(bundle.checkpoint, verifier);
    await verifyInclusion(bundle.index, checkpoint.size, await sha256(concat(LEAF, bundle.extra)), bundle.proof, checkpoint.root);
    let entry;
    try {
      entry = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bundle.extra));
    } catch (error) {
      fail("the log entry is not JSON");
    }
    const entryData = (entry && entry.data) || {};
    if (entryData.code !== data.code) fail("the log entry is about another certificate");
    if (entryData.credential !== token) fail("the log entry carries another credential");
    return {
      verifier,
      vkey: vkeyText.trim(),
      note: bundle.checkpoint,
      checkpoint,
      index: bundle.index,
      loggedAt: Date.parse(entry.time),
    };
  }

  async function checkLatest(log, data) {
    const latest = await openNote(await fetchText(data.checkpointUrl, true), log.verifier);
    let hashes = [];
    if (latest.size > log.checkpoint.size) {
      const url = data.consistencyUrl + "?first=" + log.checkpoint.size + "&second=" + latest.size;
      const proof = JSON.parse(await fetchText(url, true));
      hashes = (proof.hashes || []).map((h) => b64Decode(h, "consistency hash"));
    }
    await verifyConsistency(log.checkpoint.size, latest.size, log.checkpoint.root, latest.root, hashes);
    return latest;
  }

  // --- witnesses: C2SP tlog-policy and tlog-cosignature --------------------------------

  function parsePolicy(text) {
    const policy = { logs: [], witnesses: new Map(), groups: new Map(), quorum: null };
    const defined = (name) => policy.witnesses.has(name) || policy.groups.has(name);
    for (const line of text.split("\n")) {
      const words = line.replace(/\t/g, " ").split(" ").filter(Boolean);
      if (!words.length || words[0].startsWith("#")) continue;
      const [kind, ...args] = words;
      if (kind === "log" && args.length >= 1 && args.length <= 2) {
        policy.logs.push(args[0]);
      } else if (kind === "witness" && args.length >= 2 && args.length <= 3 && !defined(args[0])) {
        policy.witnesses.set(args[0], args[1]);
      } else if (kind === "group" && args.length >= 3 && !defined(args[0])) {
        const members = args.slice(2);
        if (!members.every(defined) || new Set(members).size !== members.length) {
          fail("a group of the witness policy names an undefined or repeated member");
        }
        const rule = args[1];
        const threshold = rule === "all" ? members.length : rule === "any" ? 1 : /^[1-9][0-9]*$/.test(rule) ? Number(rule) : 0;
        if (threshold < 1 || threshold > members.length) fail("a group threshold of the witness policy is invalid");
        policy.groups.set(args[0], { threshold, members });
      } else if (kind === "quorum" && args.length === 1 && policy.quorum === null) {
        if (args[0] !== "none" && !defined(args[0])) fail("the witness policy's quorum names nothing defined");
        policy.quorum = args[0];
      } else {
        fail("the witness policy is malformed: " + line.slice(0, 80));
      }
    }
    if (policy.quorum === null) fail("the witness policy has no quorum line");
    return policy;
  }

  function satisfied(policy, cosigners) {
    if (policy.quorum === "none") return true;
    const holds = (name) => {
      const group = policy.groups.get(name);
      if (!group) return cosigners.has(name);
      return group.members.filter(holds).length >= group.threshold;
    };
    return holds(policy.quorum);
  }

  // c2sp.org/tlog-cosignature: Ed25519 (type 0x04) cosigner keys. An ML-DSA-44 key (0x06)
  // cannot be checked with WebCrypto, so its witness counts as not cosigned here.
  // The policy's witness name is a label; the key's own name is what cosignature lines carry.
  async function cosignerVerifier(label, vkey) {
    const first = vkey.indexOf("+");
    const second = vkey.indexOf("+", first + 1);
    const parts = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
    if (first < 1 || second < 0 || !/^[0-9a-f]{8}$/i.test(parts[1])) {
      fail("the witness policy's key of " + label + " is malformed");
    }
    const raw = b64Decode(parts[2], "witness key");
    if (raw[0] !== 4 || raw.length !== 33) return null;
    const name = parts[0];
    const digest = await sha256(concat(encoder.encode(name + "\n"), new Uint8Array([4]), raw.slice(1)));
    const id = hex(parts[1].toLowerCase());
    if (!equalBytes(digest.slice(0, 4), id)) fail("the key id of witness " + label + " does not match its key");
    const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
    return { label, name, id, key };
  }

  // The labels of the witnesses whose cosignature on the note verifies.
  async function cosignersOf(note, verifiers) {
    const split = note.lastIndexOf("\n\n");
    const text = note.slice(0, split + 1);
    const found = new Set();
    for (const line of note.slice(split + 2, -1).split("\n")) {
      const [name, encoded] = line.slice(2).split(" ");
      const verifier = verifiers.find((v) => v.name === name && !found.has(v.label));
      if (!verifier) continue;
      const blob = b64Decode(encoded || "", "cosignature");
      if (blob.length !== 4 + 8 + 64 || !equalBytes(blob.slice(0, 4), verifier.id)) continue;
      const time = new DataView(blob.buffer, blob.byteOffset + 4, 8).getBigUint64(0);
      const message = encoder.encode("cosignature/v1\ntime " + time.toString() + "\n" + text);
      if (!(await verifyEd25519(verifier.key, blob.slice(12), message))) {
        fail("the cosignature of witness " + verifier.label + " does not verify");
      }
      found.add(verifier.label);
    }
    return found;
  }

  async function checkWitnesses(log, data) {
    const policy = parsePolicy(await fetchText(data.policyUrl, true));
    if (!policy.logs.includes(log.vkey)) fail("the published witness policy names another log");
    const verifiers = [];
    for (const [label, vkey] of policy.witnesses) {
      const verifier = await cosignerVerifier(label, vkey);
      if (verifier) verifiers.push(verifier);
    }
    const cosigners = await cosignersOf(log.note, verifiers);
    const counts = { k: cosigners.size, n: policy.witnesses.size };
    if (!satisfied(policy, cosigners)) fail(fill(M.no_quorum, counts));
    return counts;
  }

  // --- the run -----------------------------------------------------------------------

  async function step(text, action) {
    try {
      const value = await action();
      addStep(typeof text === "function" ? text(value) : text, "passed");
      return { ok: true, value };
    } catch (error) {
      const label = typeof text === "function" ? text(null) : text;
      if (error instanceof Unavailable) {
        addStep(label, "unavailable", M.log_unavailable);
        return { ok: null };
      }
      addStep(label, "failed", error instanceof CheckFailed ? error.message : String(error));
      return { ok: false };
    }
  }

  async function run() {
    const data = box.dataset;
    resultElement.textContent = M.checking;
    if (!(await ed25519Works())) {
      resultElement.textContent = M.no_ed25519;
      box.dataset.result = "unsupported";
      return;
    }
    let failed = false;
    const fetched = await step(M.step_fetch, async () => {
      const [token, jwksText] = await Promise.all([fetchText(data.credentialUrl), fetchText(data.jwksUrl)]);
      let jwks;
      try {
        jwks = JSON.parse(jwksText);
      } catch (error) {
        fail("the JWKS is not JSON");
      }
      return { token: token.trim(), jwks };
    });
    if (!fetched.ok) return finish(true);
    const { token, jwks } = fetched.value;

    const log = await step(
      (value) => (value ? fill(M.step_log, { index: value.index, size: value.checkpoint.size }) : M.step_log_short),
      () => checkLog(token, data),
    );
    failed = failed || log.ok === false;
    if (log.ok) {
      const latest = await step(
        (value) => fill(M.step_consistency, { size: value ? value.size : "?" }),
        () => checkLatest(log.value, data),
      );
      failed = failed || latest.ok === false;
      if (data.policyUrl) {
        const witnessed = await step(
          (value) => (value ? fill(M.step_witnesses, value) : M.step_witnesses_short),
          () => checkWitnesses(log.value, data),
        );
        failed = failed || witnessed.ok === false;
      }
    }

    let jws = null;
    const header = await step(M.step_header, async () => {
      jws = parseJws(token);
      checkHeader(jws.header);
    });
    if (!header.ok) return finish(true);
    const key = await step(
      (value) => fill(M.step_key, { kid: jws.header.kid, status: value ? value.jwk.status : "?" }),
      async () => {
        const found = await findKey(jwks, jws.header.kid);
        if (found.jwk.status === "compromised") {
          const compromisedAt = Date.parse(found.jwk.compromised_at);
          if (!log.ok || !(log.value.loggedAt < compromisedAt)) fail(M.key_compromised);
        }
        return found;
      },
    );
    if (!key.ok) return finish(true);
    const signature = await step(M.step_signature, async () => {
      if (jws.signature.length !== 64) fail("an Ed25519 signature has 64 bytes");
      if (!(await verifyEd25519(key.value.key, jws.signature, jws.signingInput))) {
        fail("the signature does not match the credential");
      }
    });
    failed = failed || !signature.ok;
    const content = await step(M.step_content, async () => checkContent(jws.payload));
    failed = failed || !content.ok;
    return finish(failed);
  }

  function finish(failed) {
    resultElement.textContent = failed ? M.some_failed : M.all_passed;
    resultElement.className = "check-result " + (failed ? "failed" : "passed");
    box.dataset.result = failed ? "failed" : "passed";
  }

  run().catch((error) => {
    addStep(M.step_fetch, "failed", String(error));
    finish(true);
  });
})();
