//! The TLS config a client gets when the caller gives none
//! ([`crate::Config::with_tls_config`]): with the `rustls-ring` feature, ring
//! and the platform's certificate verifier; without it, none (building a
//! client then fails, naming what to do).
//!
//! Ring is given to this config only, never installed as the process-wide
//! rustls provider: that is the host program's choice.
//!
//! The certificate verifier is made on the first TLS handshake rather than
//! when the client is built: loading the system's root certificates takes
//! milliseconds, which a one-shot command against `http://` (the mock) never
//! needs to spend.

/// Built without TLS of its own: the caller must bring a config.
#[cfg(not(feature = "rustls-ring"))]
pub(crate) fn default_config() -> Result<rustls::ClientConfig, crate::Error> {
    Err(crate::Error::Config(
        "ttv-runtime was built without its TLS backend (the `rustls-ring` feature): give your own \
         rustls::ClientConfig with Config::with_tls_config, or enable the feature"
            .into(),
    ))
}

#[cfg(feature = "rustls-ring")]
pub(crate) use with_ring::default_config;

#[cfg(feature = "rustls-ring")]
mod with_ring {
    use crate::Error;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{DigitallySignedStruct, SignatureScheme};
    use std::sync::{Arc, OnceLock};

    /// Ring, safe default protocol versions and the lazy platform verifier.
    pub(crate) fn default_config() -> Result<rustls::ClientConfig, Error> {
        let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("cannot set up TLS: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(LazyVerifier { provider, verifier: OnceLock::new() }))
            .with_no_client_auth();
        Ok(config)
    }

    /// The platform verifier, made when a server's certificate is first checked.
    #[derive(Debug)]
    struct LazyVerifier {
        provider: Arc<CryptoProvider>,
        verifier: OnceLock<Result<rustls_platform_verifier::Verifier, rustls::Error>>,
    }

    impl LazyVerifier {
        fn get(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
            self.verifier
                .get_or_init(|| rustls_platform_verifier::Verifier::new(self.provider.clone()))
                .as_ref()
                .map_err(Clone::clone)
        }
    }

    impl ServerCertVerifier for LazyVerifier {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            self.get()?.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.get()?.verify_tls12_signature(message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.get()?.verify_tls13_signature(message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.provider.signature_verification_algorithms.supported_schemes()
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_default_config_loads_no_certificate_and_installs_no_provider() {
            let v = LazyVerifier {
                provider: Arc::new(rustls::crypto::ring::default_provider()),
                verifier: OnceLock::new(),
            };
            assert!(!v.supported_verify_schemes().is_empty());
            assert!(v.verifier.get().is_none());
            default_config().expect("the config builds");
            assert!(CryptoProvider::get_default().is_none(), "the host program's choice stays open");
        }
    }
}

#[cfg(all(test, not(feature = "rustls-ring")))]
mod without_tls_tests {
    use crate::{Config, Error};

    #[test]
    fn without_the_tls_feature_a_tls_config_of_the_callers_own_is_required() {
        let err = crate::http_client::client(&Config::new("cid")).expect_err("no TLS backend");
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(err.to_string().contains("Config::with_tls_config"), "{err}");
        // The caller's TLS, with the crypto provider of the caller's choice.
        let tls =
            rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("TLS versions")
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth();
        assert!(crate::http_client::client(&Config::new("cid").with_tls_config(tls)).is_ok());
    }
}
