"""The admin shows every classifier version, which one is live, and its scores."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django_celery_beat.models import PeriodicTask
from sklearn.model_selection import train_test_split

from ingest.categorize import get_classifier
from ingest.classify.data import labels_digest, load_labeled
from ingest.classify.model import ClauseClassifier
from ingest.classify.validation import cross_validate
from ingest.drafts import ClauseDraft, DocumentDraft, RegionRef
from ingest.models import ModelVersion
from ingest.schedule import RETRAIN_CLASSIFIER
from ingest.training import training_data
from policybase.catalog.models import Category, Clause

TSV = Path(__file__).resolve().parents[2] / "data" / "labeled_clauses.tsv"
NS = {"svg": "http://www.w3.org/2000/svg"}
LIST = "/admin/ingest/modelversion/"


@pytest.fixture(scope="module")
def subset():
    """600 of the seed clauses, every category in proportion."""
    texts, labels = load_labeled(TSV)
    texts, _, labels, _ = train_test_split(
        texts, labels, train_size=600, stratify=labels, random_state=0
    )
    return texts, labels


@pytest.fixture(scope="module")
def real_scores(subset):
    return cross_validate(*subset, folds=3)


def page(admin_client, version) -> str:
    response = admin_client.get(f"{LIST}{version.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def charts(html: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r'<div class="chart">(.*?)</div>', html, re.S)]


def test_score_page_shows_the_cross_validated_scores(admin_client, real_scores):
    version = ModelVersion.objects.create(
        file_name="classifier.joblib",
        seed_samples=600,
        curated_samples=0,
        scores=real_scores,
        relabelled=12,
    )
    html = page(admin_client, version)
    assert "分类模型成绩" in html and "在用" in html
    assert "3 折分层交叉验证" in html and "600 条" in html
    for key in ("macro_f1", "accuracy", "top2_accuracy", "ece", "log_loss"):
        assert f"{real_scores[key]:.3f}" in html
    for category in Category.objects.all():
        assert f"<td>{category.name}</td>" in html
    assert html.count("<td>供给型</td>") == 5 and html.count("<td>需求型</td>") == 4
    worst = min(real_scores["per_category"].values(), key=lambda s: s["f1"])
    assert f"{worst['f1']:.3f}" in html

    heatmap, reliability = charts(html)
    cells = heatmap.findall(".//svg:rect[@class='cell']", NS)
    matrix = real_scores["confusion_matrix"]
    assert [int(c.get("data-count")) for c in cells] == [n for row in matrix for n in row]
    labels = {t.text for t in heatmap.iter("{http://www.w3.org/2000/svg}text")}
    assert "8 税收优惠与策略性措施" in labels
    filled = [b for b in real_scores["calibration"] if b["count"]]
    assert len(reliability.findall(".//svg:rect[@class='count']", NS)) == len(filled)


def test_the_list_shows_scores_and_which_version_is_live(admin_client, real_scores):
    old = ModelVersion.objects.create(
        file_name="classifier.joblib", seed_samples=600, curated_samples=0, scores=real_scores
    )
    new = ModelVersion.objects.create(
        file_name="classifier.joblib", seed_samples=10_988, curated_samples=3
    )
    html = admin_client.get(LIST).content.decode()
    assert f"{real_scores['macro_f1']:.3f}" in html and "10988 + 3" in html
    assert f'href="{LIST}{old.pk}/change/' in html and f'href="{LIST}{new.pk}/change/' in html
    assert html.count('alt="True"') == 1  # one live version
    assert "已被之后训练的版本取代" in page(admin_client, old)

    index = admin_client.get("/admin/").content.decode()
    assert f'href="{LIST}"' in index and "分类模型版本" in index


def test_a_version_without_scores_says_how_to_get_them(admin_client):
    version = ModelVersion.objects.create(
        file_name="classifier.joblib", seed_samples=10_988, curated_samples=0
    )
    html = page(admin_client, version)
    assert "没有交叉验证成绩" in html and "python manage.py train" in html
    assert not charts(html)


def test_versions_are_read_only(admin_client):
    version = ModelVersion.objects.create(
        file_name="classifier.joblib", seed_samples=1, curated_samples=0
    )
    assert admin_client.get(f"{LIST}add/").status_code == 403
    assert admin_client.post(f"{LIST}{version.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ModelVersion.objects.filter(pk=version.pk).exists()


def test_the_model_in_use_is_always_recorded(admin_client, settings, tmp_path, subset):
    seed = tmp_path / "seed.tsv"
    seed.write_text(
        "".join(f"{text}\t{label}\n" for text, label in zip(*subset, strict=True)),
        encoding="utf-8",
    )
    settings.SEED_CLAUSES = seed
    settings.CLASSIFIER_PATH = tmp_path / "classifier.joblib"
    trained = get_classifier()
    loaded = get_classifier()  # loading the file it wrote is no new version
    assert get_classifier() is loaded is not trained
    version = ModelVersion.objects.get()
    # What it learnt from, so that the nightly retraining knows it is current.
    assert version.data_digest == labels_digest(*load_labeled(seed))
    assert (version.file_name, version.seed_samples, version.curated_samples) == (
        "classifier.joblib",
        600,
        0,
    )
    assert version.scores == {}
    assert 'alt="True"' in admin_client.get(LIST).content.decode()
    assert "python manage.py train" in page(admin_client, version)

    # A model file with no version recorded at all (a dry run trained it
    # before the database existed) is recorded when it is first loaded, with
    # no digest: what it learnt from is unknown. And a process notices that
    # the file was replaced (as `train` in another process does).
    version.delete()
    ClauseClassifier.load(settings.CLASSIFIER_PATH).save(settings.CLASSIFIER_PATH)
    assert get_classifier() is not loaded
    unknown = ModelVersion.objects.get()
    assert (unknown.seed_samples, unknown.data_digest) == (600, "")


def test_the_list_says_whether_the_curators_corrections_are_learnt(admin_client, store_drafts):
    store_drafts(
        [
            DocumentDraft(
                source="rules.txt",
                title="某市数据条例",
                region=RegionRef("province", "浙江省"),
                clauses=[ClauseDraft("各区应当建立首席数据官制度。", "第一条", [], 6, 0.4)],
            )
        ]
    )
    assert "在用模型没有记下它学过哪些数据" in admin_client.get(LIST).content.decode()
    data = training_data()
    ModelVersion.objects.create(
        file_name="classifier.joblib",
        seed_samples=data.seed_count,
        curated_samples=0,
        data_digest=labels_digest(data.texts, data.labels),
    )
    assert (
        "在用模型已学过当前的种子数据和全部 0 条审核员修正"
        in admin_client.get(LIST).content.decode()
    )

    Clause.objects.update(category_id=0, category_source=Clause.CategorySource.CURATOR)
    html = admin_client.get(LIST).content.decode()
    assert "种子数据或审核员修正的类别（现有 1 条修正）与在用模型学过的不同" in html
    # When the model will catch up is the schedule's, as the admin has it now.
    assert "会在每天 03:30 重新训练" in html
    retrain = PeriodicTask.objects.get(task=RETRAIN_CLASSIFIER)
    retrain.crontab.hour = "22"
    retrain.crontab.save()
    assert "会在每天 22:30 重新训练" in admin_client.get(LIST).content.decode()
    retrain.enabled = False
    retrain.save()
    assert "已停用，请运行 python manage.py train" in admin_client.get(LIST).content.decode()
