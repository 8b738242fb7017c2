"""Retraining learns from curators and never overrides them."""

import datetime as dt
import io

from django.core.management import call_command

from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from ingest.models import ModelVersion
from ingest.tasks import retrain_classifier
from ingest.training import training_data
from policybase.catalog.models import Clause

CURATED_TEXT = "各区应当建立首席数据官制度，明确数据工作分管负责人。"
CAPTION = "表一 申报材料清单"


def regulation(*clauses: ClauseDraft) -> DocumentDraft:
    return DocumentDraft(
        source="policy.txt",
        title="某市数据条例",
        region=RegionRef("province", "浙江省"),
        publish_date=dt.date(2024, 1, 1),
        clauses=list(clauses),
    )


def test_curated_category_joins_training_and_survives_retraining(store_drafts):
    draft = regulation(
        ClauseDraft(CURATED_TEXT, "第一条", [], 6, 0.4),
        # Deliberately wrong model label: retraining must replace it.
        ClauseDraft("对符合条件的企业给予最高500万元资金补助。", "第二条", [], 13, 0.3),
        # A table caption no structural pattern knows; a curator calls it 非政策工具.
        ClauseDraft(CAPTION, "第三条", [], 3, 0.3),
    )
    store_drafts([draft])
    # The same caption in another file, labelled by the model.
    store_drafts([regulation(ClauseDraft(CAPTION, "第九条", [], 3, 0.3))])
    curated = Clause.objects.get(number="第一条")
    curated.category_id = 11
    curated.category_source = Clause.CategorySource.CURATOR
    curated.save()
    Clause.objects.filter(number="第三条").update(category_id=14, category_source="curator")

    texts, labels, seed_count, curated_count = training_data()
    assert curated_count == 2
    assert labels[texts.index(CURATED_TEXT)] == 11
    assert labels[texts.index(CAPTION)] == 14
    assert seed_count > 10_000

    out = io.StringIO()
    call_command("train", "--folds", "0", stdout=out)
    version = ModelVersion.objects.get()
    assert version.curated_samples == 2
    assert version.relabelled >= 1
    # The curator's 14 is known wording now: its copy elsewhere follows.
    assert Clause.objects.get(number="第九条").category_id == 14
    curated.refresh_from_db()
    assert (curated.category_id, curated.category_source) == (11, "curator")
    funding = Clause.objects.get(number="第二条")
    assert funding.category_id == 1 and funding.category_source == "model"


def test_nightly_retraining_runs_only_when_the_training_data_changed(store_drafts):
    store_drafts([regulation(ClauseDraft(CURATED_TEXT, "第一条", [], 6, 0.4))])

    def train_if_changed() -> str:
        out = io.StringIO()
        call_command("train", "--folds", "0", "--if-changed", stdout=out)
        return out.getvalue()

    assert "模型已更新" in train_if_changed()  # no version recorded: nothing is known
    assert "无需重新训练" in train_if_changed()
    assert retrain_classifier.delay(folds=0).get() is None
    assert ModelVersion.objects.count() == 1

    clause = Clause.objects.get()
    clause.category_id, clause.category_source = 11, Clause.CategorySource.CURATOR
    clause.save()
    new_version = ModelVersion.objects.get(pk=retrain_classifier.delay(folds=0).get())
    assert new_version.curated_samples == 1
    assert "无需重新训练" in train_if_changed()
    assert ModelVersion.objects.count() == 2
