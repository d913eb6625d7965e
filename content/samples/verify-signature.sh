#!/usr/bin/env bash
# Checks a signature from a sandbox the way your service should before relying on it: download the sandbox
# CA's certificates and CRL, check that the signer's certificate chains to the sandbox root and is not
# revoked, then check a hash signature with openssl and, when one is given, a signed PDF with poppler's pdfsig.
# Usage: BASE_URL=… SIGNER_CERT=cert.b64 SIGNATURE=signature.b64 DOCUMENT=document.bin \
#        [SIGNED_PDF=signed.pdf] bash verify-signature.sh
# SIGNER_CERT and SIGNATURE hold the callback's `cert` and `signature` exactly as received (Base64 text).
set -euo pipefail
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# ANCHOR: download_ca
# One CA serves every sandbox of a portal. The certificates and the CRL are DER; openssl wants PEM here.
for file in root-ca.crt issuing-ca.crt issuing-ca.crl; do
  curl --silent --show-error --fail "${BASE_URL}/ca/${file}" -o "${work}/${file}"
done
openssl x509 -inform DER -in "${work}/root-ca.crt" -out "${work}/root-ca.pem"
openssl x509 -inform DER -in "${work}/issuing-ca.crt" -out "${work}/issuing-ca.pem"
openssl crl -inform DER -in "${work}/issuing-ca.crl" -out "${work}/issuing-ca.crl.pem"
openssl x509 -in "${work}/root-ca.pem" -noout -subject -nameopt utf8
# ANCHOR_END: download_ca

# ANCHOR: verify_chain
# `cert` is the signer's certificate as Base64 DER: it must chain to the sandbox root and not be revoked.
base64 -d "$SIGNER_CERT" >"${work}/signer.der"
openssl x509 -inform DER -in "${work}/signer.der" -out "${work}/signer.pem"
openssl verify -crl_check -CAfile "${work}/root-ca.pem" -untrusted "${work}/issuing-ca.pem" \
  -CRLfile "${work}/issuing-ca.crl.pem" "${work}/signer.pem"
# ANCHOR_END: verify_chain

# ANCHOR: verify_hash
# `signature` is PKCS#1 v1.5 (SHA256withRSA) over the document whose SHA-256 you sent as hashCode.
base64 -d "$SIGNATURE" >"${work}/signature.bin"
openssl x509 -in "${work}/signer.pem" -pubkey -noout >"${work}/signer-public.pem"
openssl dgst -sha256 -verify "${work}/signer-public.pem" -signature "${work}/signature.bin" "$DOCUMENT"
# ANCHOR_END: verify_hash

if [ -n "${SIGNED_PDF:-}" ]; then
  # ANCHOR: verify_pdf
  # The PKCS#7 in /Contents covers the whole file but itself: pdfsig says "Total document signed" and
  # "Signature is Valid.", names the persona, and says "Certificate issuer isn't Trusted." because the
  # sandbox root is not in your system's trust store, as it should not be.
  pdfsig "$SIGNED_PDF"
  # ANCHOR_END: verify_pdf
fi
