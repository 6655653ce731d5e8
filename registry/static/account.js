// Passkeys on /account: the WebAuthn ceremonies, with JSON options from the server.
// The CSRF token travels in X-CSRF-Token; the session cookie is SameSite=Strict.
"use strict";

(function () {
  function post(path, csrf, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || String(response.status)); }
        return data;
      });
    });
  }

  function say(text) {
    var status = document.getElementById("passkey-status");
    if (status) { status.textContent = text; }
  }

  function failed(button, error) {
    say((error && error.message && error.message.length < 300 ? error.message : "") || button.dataset.failed);
  }

  var add = document.getElementById("passkey-add");
  if (add) {
    add.addEventListener("click", function () {
      var csrf = add.dataset.csrf;
      var name = (document.getElementById("passkey-name") || {}).value || "";
      post("/account/passkeys/options", csrf).then(function (options) {
        return navigator.credentials.create({
          publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
        });
      }).then(function (credential) {
        return post("/account/passkeys", csrf, { name: name, credential: credential.toJSON() });
      }).then(function (answer) {
        window.location.assign(answer.next);
      }).catch(function (error) { failed(add, error); });
    });
  }

  var signIn = document.getElementById("passkey-sign-in");
  if (signIn) {
    signIn.addEventListener("click", function () {
      var csrf = signIn.dataset.csrf;
      post("/account/sign-in/passkey/options", csrf).then(function (options) {
        return navigator.credentials.get({
          publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
        });
      }).then(function (credential) {
        return post("/account/sign-in/passkey", csrf, { credential: credential.toJSON() });
      }).then(function (answer) {
        window.location.assign(answer.next);
      }).catch(function (error) { failed(signIn, error); });
    });
  }
})();
