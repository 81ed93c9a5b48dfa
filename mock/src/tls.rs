//! Serving HTTPS: the mock's TLS acceptor, built from a [`MockTls`] certificate.

use crate::config::MockTls;

/// The server side of TLS with `tls`'s certificate: HTTP/2 or HTTP/1.1 by ALPN, as Twitch.
pub(crate) fn acceptor(tls: &MockTls) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("mock TLS {what}: {e}"))
    };
    let certs = CertificateDer::pem_slice_iter(&tls.cert_chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad("certificate", &e))?;
    let key = PrivateKeyDer::from_pem_slice(&tls.key_pem).map_err(|e| bad("key", &e))?;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad("versions", &e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| bad("certificate", &e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_key_is_refused_as_input_without_showing_it() {
        let tls = MockTls { cert_chain_pem: Vec::new(), key_pem: b"not-a-pem-secret".to_vec() };
        let Err(e) = acceptor(&tls) else { panic!("a key that is no PEM was accepted") };
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        let text = e.to_string();
        assert!(text.starts_with("mock TLS key"), "{text}");
        assert!(!text.contains("not-a-pem-secret"), "the key's bytes stay out of the error: {text}");
    }
}
