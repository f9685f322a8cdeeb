# The exclusion constraint of every booking model (core.models.letting) compares
# the resource id with "=" inside a GiST index, which needs btree_gist.
# CreateExtension does nothing on SQLite.

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_import_job_ignored_columns"),
    ]

    operations = [
        BtreeGistExtension(),
    ]
