"""The log in the C2SP formats: tiles, every checkpoint, pending entries and witness cosignatures.

Existing entries keep their leaf data (the canonical JSON of each entry), so the tree over them has the
same root as the old signed head: `build_tree` rebuilds the tiles and signs one checkpoint for the
existing log (with the new Ed25519 log key), and refuses to migrate a log whose root differs from its head.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def build_tree(apps, schema_editor):
    from disclosures.records import merkle, note

    LogEntry = apps.get_model("disclosures", "LogEntry")
    try:
        LogHead = apps.get_model("disclosures", "LogHead")
    except LookupError:  # called on the current models (the migration's test): there is no old head
        LogHead = None
    LogTile = apps.get_model("disclosures", "LogTile")
    LogCheckpoint = apps.get_model("disclosures", "LogCheckpoint")
    if LogCheckpoint.objects.exists() or not LogEntry.objects.exists():
        return
    builder, tiles, chain = merkle.TreeBuilder(), {}, bytes(32)
    for position, (index, leaf_hex, chain_hex) in enumerate(
        LogEntry.objects.order_by("index").values_list("index", "leaf_hash", "chain_hash").iterator(chunk_size=2000)
    ):
        if index != position:
            raise RuntimeError(f"log entry {position} is missing: run verify_log on the old log before migrating")
        for level, at, node in builder.append(bytes.fromhex(leaf_hex)):
            tiles.setdefault((level, at // merkle.TILE_WIDTH), []).append(node)
        chain = bytes.fromhex(chain_hex)
        if len(tiles) > 64:  # write full tiles as they complete, so memory stays small
            for (level, tile_index), hashes in list(tiles.items()):
                if len(hashes) == merkle.TILE_WIDTH:
                    LogTile.objects.create(level=level, index=tile_index, hashes=merkle.pack(hashes))
                    del tiles[(level, tile_index)]
    for (level, tile_index), hashes in tiles.items():
        LogTile.objects.create(level=level, index=tile_index, hashes=merkle.pack(hashes))
    root = builder.root()
    head = LogHead.objects.filter(pk=1).first() if LogHead is not None else None
    if head is not None and head.tree_size == builder.size and head.root_hash != root.hex():
        raise RuntimeError("the old log head's root differs from the tree of its entries: run verify_log first")
    origin = note.log_origin()
    body = note.Checkpoint(origin=origin, tree_size=builder.size, root_hash=root).body
    LogCheckpoint.objects.create(
        tree_size=builder.size,
        root_hash=root.hex(),
        note=note.sign_note(body, name=origin, private_key=note.log_signing_key()),
        frontier=merkle.pack(builder.frontier),
        chain_hash=chain.hex(),
        created_at=(head.updated_at if head is not None and head.updated_at else timezone.now()),
    )


class Migration(migrations.Migration):
    dependencies = [("disclosures", "0003_publication_rules")]

    operations = [
        migrations.CreateModel(
            name="LogCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("tree_size", models.PositiveBigIntegerField(unique=True)),
                ("root_hash", models.CharField(max_length=64)),
                ("note", models.TextField()),
                ("frontier", models.BinaryField()),
                ("chain_hash", models.CharField(max_length=64)),
                ("created_at", models.DateTimeField()),
            ],
            options={"ordering": ["tree_size"]},
        ),
        migrations.CreateModel(
            name="LogCosignature",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("witness", models.CharField(max_length=200)),
                ("timestamp", models.PositiveBigIntegerField()),
                ("line", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "checkpoint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cosignatures",
                        to="disclosures.logcheckpoint",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="LogTile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("level", models.PositiveSmallIntegerField()),
                ("index", models.PositiveBigIntegerField()),
                ("hashes", models.BinaryField()),
            ],
        ),
        migrations.CreateModel(
            name="PendingLogEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "record",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pending_log_entry",
                        to="disclosures.record",
                    ),
                ),
            ],
            options={"ordering": ["id"]},
        ),
        migrations.AddConstraint(
            model_name="logtile",
            constraint=models.UniqueConstraint(fields=("level", "index"), name="log_tile_once"),
        ),
        migrations.AddConstraint(
            model_name="logcosignature",
            constraint=models.UniqueConstraint(fields=("checkpoint", "witness"), name="log_cosignature_once"),
        ),
        migrations.RunPython(build_tree, migrations.RunPython.noop),
        migrations.DeleteModel(name="LogHead"),
    ]
