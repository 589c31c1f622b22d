"""A simple witness (C2SP tlog-witness, cosignature/v1) for tests and small deployments.

It keeps the last checkpoint it cosigned in a state file, checks the log's latest checkpoint with the
pinned log key and an RFC 9162 consistency proof from that state, and only then cosigns it and hands the
cosignature to the log. It refuses a checkpoint that is smaller than, or not an extension of, the last one.
"""

import base64
import json
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError

from disclosures.records import merkle, note
from disclosures.selectors import log as log_selectors
from disclosures.services.log import add_cosignature


class Command(BaseCommand):
    help = "Act as a witness of the log: check the latest checkpoint's consistency and cosign it."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="the witness's key name, e.g. witness.example.jp/w1")
        parser.add_argument("--key", required=True, type=Path, help="its Ed25519 key (PEM); made if missing")
        parser.add_argument("--state", type=Path, help="where it keeps the last cosigned checkpoint (JSON)")
        parser.add_argument("--log-key", help="the log's verifier key to pin (default: the configured one)")
        parser.add_argument("--print-vkey", action="store_true", help="print the witness's verifier key and stop")

    def handle(self, *args, **options):
        if not options["key"].exists():
            note.write_private_key(options["key"], Ed25519PrivateKey.generate())
        key = note.load_private_key(options["key"])
        name = options["name"]
        if options["print_vkey"]:
            self.stdout.write(note.verifier_for(name, key, note.COSIGNATURE_V1).vkey)
            return
        log_key = note.parse_vkey(options["log_key"]) if options["log_key"] else note.log_verifier()
        checkpoint = log_selectors.latest_checkpoint()
        if checkpoint is None:
            raise CommandError("The log has no checkpoint yet.")
        try:
            signed = note.verify_checkpoint(checkpoint.note, log_key)
        except note.NoteError as error:
            raise CommandError(f"Refused: {error}") from None
        state_path = options["state"]
        state = json.loads(state_path.read_text()) if state_path and state_path.exists() else None
        if state is not None:
            old_size, old_root = state["tree_size"], base64.b64decode(state["root_hash"])
            if signed.tree_size < old_size:
                raise CommandError(f"Refused: the log shrank from {old_size} to {signed.tree_size} entries.")
            proof = log_selectors.consistency(old_size, signed.tree_size)
            if not merkle.verify_consistency(
                first=old_size, second=signed.tree_size, proof=proof, first_root=old_root, second_root=signed.root_hash
            ):
                raise CommandError(f"Refused: the checkpoint of size {signed.tree_size} does not extend {old_size}.")
        body, _ = note.split_note(checkpoint.note)
        line = note.cosign(body, name=name, private_key=key, timestamp=int(time.time()))
        add_cosignature(checkpoint=checkpoint, line=line)
        if state_path:
            state_path.write_text(
                json.dumps({"tree_size": signed.tree_size, "root_hash": base64.b64encode(signed.root_hash).decode()})
            )
        self.stdout.write(f"Cosigned the checkpoint of size {signed.tree_size} as {name}.")
