"use strict";
const registry = new URLSearchParams(location.search).get("registry");

function b64urlBytes(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = b64 + "=".repeat((4 - (b64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}
function b64Bytes(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
function show(name, value) {
  const dt = document.createElement("dt");
  dt.textContent = name;
  const dd = document.createElement("dd");
  dd.id = name;
  dd.textContent = value;
  document.getElementById("result").append(dt, dd);
}
async function get(url) {
  const response = await fetch(url, { mode: "cors", credentials: "omit" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response;
}
// VC-JOSE-COSE: a compact JWS signed with EdDSA (Ed25519), key found by its kid.
async function verifyJws(token, keys) {
  const [h, p, s] = token.split(".");
  const header = JSON.parse(new TextDecoder().decode(b64urlBytes(h)));
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk || header.alg !== "EdDSA") throw new Error("no usable key for " + header.kid);
  const key = await crypto.subtle.importKey(
    "jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"]);
  const ok = await crypto.subtle.verify(
    "Ed25519", key, b64urlBytes(s), new TextEncoder().encode(`${h}.${p}`));
  if (!ok) throw new Error("signature does not verify");
  return JSON.parse(new TextDecoder().decode(b64urlBytes(p)));
}
// W3C Bitstring Status List v1.0 §3.2: multibase 'u' base64url, GZIP, index 0 left-most.
async function statusBit(list, index) {
  const encoded = list.credentialSubject.encodedList;
  if (!encoded.startsWith("u")) throw new Error("encodedList is not base64url multibase");
  const stream = new Blob([b64urlBytes(encoded.slice(1))]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  const bits = new Uint8Array(await new Response(stream).arrayBuffer());
  if (bits.length * 8 < 131072) throw new Error("status list too short");
  return (bits[Math.floor(index / 8)] >> (7 - (index % 8))) & 1;
}
// C2SP signed-note: the text up to the blank line, signed by "— <name> base64(id || sig)".
async function verifyCheckpoint(note, vkey) {
  // <name>+<hex key id>+<base64 key>: the base64 may itself hold '+'.
  const text0 = vkey.trim();
  const first = text0.indexOf("+");
  const second = text0.indexOf("+", first + 1);
  const name = text0.slice(0, first);
  const keyB64 = text0.slice(second + 1);
  const raw = b64Bytes(keyB64);
  if (raw[0] !== 1) throw new Error("not an Ed25519 verifier key");
  const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
  const split = note.indexOf("\n\n");
  const text = note.slice(0, split + 1);
  for (const line of note.slice(split + 2).split("\n")) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const sig = b64Bytes(match[2]).slice(4);
    if (await crypto.subtle.verify("Ed25519", key, sig, new TextEncoder().encode(text))) {
      const [origin, size] = text.split("\n");
      if (origin !== name) throw new Error("checkpoint of another log");
      return Number(size);
    }
  }
  throw new Error("checkpoint signature does not verify");
}

document.getElementById("check").addEventListener("submit", async (event) => {
  event.preventDefault();
  document.getElementById("result").replaceChildren();
  try {
    const metadata = await (await get(`${registry}/.well-known/jwt-vc-issuer`)).json();
    const keys = (await (await get(metadata.jwks_uri)).json()).keys;
    const code = document.getElementById("code").value.trim();
    const token = await (await get(`${registry}/api/v1/certificates/${code}/credential`)).text();
    const credential = await verifyJws(token, keys);
    if (credential.iss !== metadata.issuer) throw new Error("issuer differs from the metadata");
    show("signature", "valid");
    show("holder", credential.credentialSubject.holder.legalName);
    for (const entry of credential.credentialStatus) {
      const listToken = await (await get(entry.statusListCredential)).text();
      const list = await verifyJws(listToken, keys);
      if (list.credentialSubject.statusPurpose !== entry.statusPurpose) throw new Error("purpose differs");
      show(entry.statusPurpose, String(await statusBit(list, Number(entry.statusListIndex))));
    }
    const note = await (await get(`${registry}/log/checkpoint`)).text();
    const vkey = await (await get(`${registry}/log/vkey`)).text();
    show("checkpoint", `verified, ${await verifyCheckpoint(note, vkey)} entries`);
  } catch (error) {
    show("error", String(error.message || error));
  }
});
