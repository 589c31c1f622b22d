"""A test PKI served over HTTP: root and intermediate CAs, the records signer, an RFC 3161 timestamp authority,
an OCSP responder and CRLs, all built by Certomancer and served by its Animator in a thread of the test.

The certificates carry the URLs of the running server (CRL distribution points, OCSP in the AIA), so pyHanko
fetches revocation information exactly as it would from a production CA, only from 127.0.0.1.
"""

import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.production import free_port

ARCH = "portal-test"
PASSPHRASE = b"records"

CONFIG = """
external-url-prefix: "{prefix}"
keysets:
  portal:
    keys:
      root: {{path: root.key.pem}}
      interm: {{path: interm.key.pem}}
      ocsp: {{path: ocsp.key.pem}}
      tsa: {{path: tsa.key.pem}}
      tsa2: {{path: tsa2.key.pem}}
      signer: {{path: signer.key.pem}}
pki-architectures:
  {arch}:
    keyset: portal
    entity-defaults: {{country-name: JP, organization-name: Test PKI of the Article 16 portal}}
    entities:
      root: {{common-name: Test Root CA}}
      interm: {{common-name: Test Intermediate CA}}
      ocsp: {{common-name: Test OCSP responder}}
      tsa: {{common-name: Test Time Stamping Authority}}
      tsa2: {{common-name: Test Time Stamping Authority 2}}
      signer: {{common-name: Test records signer}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "2000-01-01T00:00:00+0000", valid-to: "2500-01-01T00:00:00+0000"}}
        extensions:
          - {{id: basic_constraints, critical: true, value: {{ca: true}}}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
      interm:
        issuer: root
        validity: {{valid-from: "2000-01-01T00:00:00+0000", valid-to: "2400-01-01T00:00:00+0000"}}
        extensions:
          - {{id: basic_constraints, critical: true, value: {{ca: true, path-len-constraint: 0}}}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      ocsp:
        issuer: interm
        validity: {{valid-from: "2000-01-01T00:00:00+0000", valid-to: "2400-01-01T00:00:00+0000"}}
        extensions:
          - {{id: key_usage, critical: true, smart-value: {{schema: key-usage, params: [digital_signature]}}}}
          - {{id: extended_key_usage, critical: true, value: [ocsp_signing]}}
          - {{id: ocsp_no_check}}
      tsa:
        issuer: root
        validity: {{valid-from: "2000-01-01T00:00:00+0000", valid-to: "{tsa_valid_to}"}}
        extensions:
          - {{id: key_usage, critical: true, smart-value: {{schema: key-usage, params: [digital_signature]}}}}
          - {{id: extended_key_usage, critical: true, value: [time_stamping]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
      tsa2:
        template: tsa
        subject: tsa2
        subject-key: tsa2
        validity: {{valid-from: "2000-01-01T00:00:00+0000", valid-to: "2400-01-01T00:00:00+0000"}}
      signer:
        issuer: interm
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2300-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [interm]}}}}
          - id: authority_information_access
            smart-value: {{schema: aia-urls, params: {{ocsp-responder-names: [interm]}}}}
    services:
      ocsp:
        interm: {{for-issuer: interm, responder-cert: ocsp, signing-key: ocsp}}
      crl-repo:
        root: {{for-issuer: root, signing-key: root, simulated-update-schedule: "P90D"}}
        interm: {{for-issuer: interm, signing-key: interm, simulated-update-schedule: "P30D"}}
      time-stamping:
        tsa: {{signing-key: tsa, signing-cert: tsa}}
        tsa2: {{signing-key: tsa2, signing-cert: tsa2}}
"""


@dataclass
class TestPKI:
    prefix: str
    pkcs12_path: Path
    root_pem_path: Path
    arch: object
    server: object

    def tsa_url(self, label: str = "tsa") -> str:
        return f"{self.prefix}/{ARCH}/tsa/{label}"

    def stop(self) -> None:
        self.server.shutdown()


def _quiet_handler():
    from werkzeug.serving import WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # one line per OCSP or TSA request is noise in test output
            pass

    return Quiet


def start_test_pki(directory: Path, *, tsa_valid_to: str = "2400-01-01T00:00:00+0000") -> TestPKI:
    """Build the PKI under `directory`, serve it on a free local port, and write the signer's PKCS#12."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig
    from werkzeug.serving import make_server

    for name in ("root", "interm", "ocsp", "tsa", "tsa2", "signer"):
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (directory / f"{name}.key.pem").write_bytes(pem)
    port = free_port()
    prefix = f"http://127.0.0.1:{port}"
    config = CertomancerConfig.from_yaml(
        CONFIG.format(prefix=prefix, arch=ARCH, tsa_valid_to=tsa_valid_to), key_search_dir=str(directory)
    )
    arch = config.get_pki_arch(ARCH)
    pkcs12_path = directory / "signer.p12"
    pkcs12_path.write_bytes(arch.package_pkcs12("signer", password=PASSPHRASE))
    root_pem_path = directory / "root.pem"
    from cryptography import x509

    root = x509.load_der_x509_certificate(arch.get_cert("root").dump())
    root_pem_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    animator = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    server = make_server("127.0.0.1", port, animator, threaded=True, request_handler=_quiet_handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return TestPKI(prefix=prefix, pkcs12_path=pkcs12_path, root_pem_path=root_pem_path, arch=arch, server=server)
