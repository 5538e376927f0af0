// A certificate the client cannot verify (expired, self-signed, wrong name) fails the same way on
// every retry until someone fixes the server or the trust settings, so it is not worth retrying.

const TLS_VERIFICATION_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|^ERR_TLS_|^ERR_SSL_/;

export function isTlsVerificationFailure(code: string | undefined): boolean {
  return code !== undefined && TLS_VERIFICATION_CODE.test(code);
}
