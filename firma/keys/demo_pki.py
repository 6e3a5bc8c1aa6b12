"""A demo PKI for the demo site and the tests: CA, council seal, staff, TSA, CRL.

Never used in production: real keys come from the council's certification service
provider (Izenpe) through PKCS#12 files or an HSM. Every certificate says DEMO.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

COUNCIL_NAME = "Ayuntamiento de Bilbao"
COUNCIL_ORG_ID = "VATES-P4802000D"
DEFAULT_PASSWORD = "demo-firma"  # noqa: S105 (demo keys only)


@dataclass(frozen=True)
class StaffMember:
    username: str
    given_name: str
    surname: str
    nif: str
    title: str


DEMO_STAFF = [
    StaffMember("funcionaria", "ITZIAR", "LOPEZ ARANA", "12345678Z", "Técnica de Acción Social"),
    StaffMember("alcaldesa", "MIREN", "AGIRRE LASA", "11111111H", "Alcaldesa"),
    StaffMember("concejal", "KOLDO", "URIARTE BILBAO", "87654321X", "Concejal delegado"),
    StaffMember("secretario", "JON", "ETXEBARRIA GOIKOETXEA", "22222222J", "Secretario General"),
]


# Demo certificates are valid from a fixed date in the past, so that tests which travel in
# time (deadlines, reminders) can still sign.
VALID_FROM = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ca_name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{COUNCIL_NAME} (DEMO)"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def make_ca(
    cn: str = "AC DEMO Ayuntamiento de Bilbao",
    *,
    key=None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    issuer: tuple | None = None,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A root CA, or with ``issuer=(ca_cert, ca_key)`` a subordinate CA issued by it."""
    key = key or new_key()
    name = _ca_name(cn)
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    issuer_name, signing_key = (issuer[0].subject, issuer[1]) if issuer else (name, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or min(VALID_FROM, now - dt.timedelta(days=1)))
        .not_valid_after(not_after or now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
    return builder.sign(signing_key, hashes.SHA256()), key


def issue(
    ca_cert: x509.Certificate,
    ca_key,
    subject: x509.Name,
    *,
    key=None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    tsa: bool = False,
    crl_url: str | None = None,
    public_key=None,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey | None]:
    """Issue an end-entity certificate (signing, or timestamping when ``tsa``).

    With ``public_key`` (e.g. a key generated inside an HSM) no private key is made.
    """
    if public_key is None:
        key = key or new_key()
        public_key = key.public_key()
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or min(VALID_FROM, now - dt.timedelta(days=1)))
        .not_valid_after(not_after or now + dt.timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not tsa,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier(crl_url)], None, None, None
                    )
                ]
            ),
            critical=False,
        )
    return builder.sign(ca_key, hashes.SHA256()), key


def seal_subject(cn: str = "SELLO DE ORGANO - AYUNTAMIENTO DE BILBAO - SEDE (DEMO)") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, COUNCIL_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, COUNCIL_ORG_ID),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, "P4802000D"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def staff_subject(member: StaffMember) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, COUNCIL_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, COUNCIL_ORG_ID),
            x509.NameAttribute(NameOID.TITLE, member.title),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IDCES-{member.nif}"),
            x509.NameAttribute(NameOID.SURNAME, member.surname),
            x509.NameAttribute(NameOID.GIVEN_NAME, member.given_name),
            x509.NameAttribute(
                NameOID.COMMON_NAME,
                f"{member.given_name} {member.surname} - {member.nif} (DEMO)",
            ),
        ]
    )


def simple_subject(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ES"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, COUNCIL_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def pkcs12_bytes(name: str, key, cert, chain: list[x509.Certificate], password: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name.encode(),
        key,
        cert,
        chain,
        serialization.BestAvailableEncryption(password.encode()),
    )


def pem(*certs: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_crl(ca_cert, ca_key, revoked_serials: list[int]) -> x509.CertificateRevocationList:
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=30))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(x509.CRLNumber(1), critical=False)
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - dt.timedelta(minutes=10))
            .build()
        )
    return builder.sign(ca_key, hashes.SHA256())


@dataclass
class DemoPKI:
    """What :func:`ensure_demo_pki` leaves in ``directory``."""

    directory: Path
    password: str
    created: list[str] = field(default_factory=list)

    @property
    def ca_pem(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def ca_key_pem(self) -> Path:
        return self.directory / "ca-key.pem"

    @property
    def sello_p12(self) -> Path:
        return self.directory / "sello.p12"

    @property
    def tsa_p12(self) -> Path:
        return self.directory / "tsa.p12"

    @property
    def crl_pem(self) -> Path:
        return self.directory / "crl.pem"

    def staff_p12(self, username: str) -> Path:
        return self.directory / "staff" / f"{username}.p12"

    def load_ca(self):
        cert = x509.load_pem_x509_certificate(self.ca_pem.read_bytes())
        key = serialization.load_pem_private_key(self.ca_key_pem.read_bytes(), None)
        return cert, key

    def keystores(self) -> dict:
        """A ``FIRMA_KEYSTORES`` value pointing at this PKI."""
        return {
            "sello": {"backend": "pkcs12", "path": str(self.sello_p12), "password": self.password},
            "tsa": {"backend": "pkcs12", "path": str(self.tsa_p12), "password": self.password},
            "*": {
                "backend": "pkcs12",
                "path": str(self.directory / "staff" / "{name}.p12"),
                "password": self.password,
            },
        }


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    if private:
        tmp.chmod(0o600)
    tmp.replace(path)


def ensure_demo_pki(
    directory: Path | str,
    *,
    password: str = DEFAULT_PASSWORD,
    staff: list[StaffMember] | None = None,
) -> DemoPKI:
    """Create what is missing of the demo PKI in ``directory``; keep what exists (idempotent)."""
    pki = DemoPKI(Path(directory), password)
    pki.directory.mkdir(parents=True, exist_ok=True)
    if pki.ca_pem.exists() and pki.ca_key_pem.exists():
        ca_cert, ca_key = pki.load_ca()
    else:
        ca_cert, ca_key = make_ca()
        _write(pki.ca_key_pem, key_pem(ca_key), private=True)
        _write(pki.ca_pem, pem(ca_cert))
        pki.created.append(str(pki.ca_pem))
        # A new CA invalidates everything it did not issue.
        for stale in [pki.sello_p12, pki.tsa_p12, pki.crl_pem]:
            stale.unlink(missing_ok=True)
        for stale in (pki.directory / "staff").glob("*.p12"):
            stale.unlink()

    def ensure_p12(path: Path, subject: x509.Name, *, tsa: bool = False) -> None:
        if path.exists():
            return
        cert, key = issue(ca_cert, ca_key, subject, tsa=tsa)
        _write(path, pkcs12_bytes(path.stem, key, cert, [ca_cert], password), private=True)
        pki.created.append(str(path))

    ensure_p12(pki.sello_p12, seal_subject())
    ensure_p12(pki.tsa_p12, simple_subject("TSA DEMO Ayuntamiento de Bilbao"), tsa=True)
    for member in staff if staff is not None else DEMO_STAFF:
        ensure_p12(pki.staff_p12(member.username), staff_subject(member))
    if not pki.crl_pem.exists():
        crl = make_crl(ca_cert, ca_key, [])
        _write(pki.crl_pem, crl.public_bytes(serialization.Encoding.PEM))
        pki.created.append(str(pki.crl_pem))
    return pki
