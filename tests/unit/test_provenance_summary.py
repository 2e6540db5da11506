"""Pure logic of Content Credentials: c2pa's manifest-store JSON -> the answer's `provenance`, and
that object in words for the verdict table and the scan CSV."""

from __future__ import annotations

from client.credentials import credentials_text
from serving.provenance import MAX_ACTIONS, not_checked, provenance, remote_manifest_url, summarise

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def store(source_type: str | None, state: str = "Valid", failures: tuple[str, ...] = (), **manifest) -> dict:
    action = {"action": "c2pa.created", "softwareAgent": {"name": "Gen"}, "when": "2026-01-02T03:04:05Z"}
    if source_type:
        action["digitalSourceType"] = IPTC + source_type
    active = {
        "claim_generator_info": [{"name": "Gen", "version": "1.2"}],
        "signature_info": {"common_name": "Gen Signing", "issuer": "Gen Org"},
        "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": [action]}}],
        **manifest,
    }
    return {
        "active_manifest": "urn:1",
        "manifests": {"urn:1": active, "urn:0": {"assertions": []}},
        "validation_state": state,
        "validation_results": {
            "activeManifest": {"failure": [{"code": "signingCredential.untrusted"}] + [{"code": c} for c in failures]}
        },
    }


def test_an_ai_generated_declaration_is_read_from_the_active_manifest_s_actions():
    answer = summarise(store("trainedAlgorithmicMedia"))
    assert answer["present"] is True and answer["signature_valid"] is True and answer["trusted"] is False
    assert answer["ai_generated"] is True
    assert answer["signer"] == "Gen Signing" and answer["claim_generator"] == "Gen 1.2"
    assert answer["created"] == "2026-01-02T03:04:05Z"
    assert answer["actions"][0]["digital_source_type"] == "trainedAlgorithmicMedia"
    assert answer["validation_failures"] == []  # the untrusted signer is not a failure of the file


def test_composites_with_ai_media_count_and_other_source_types_do_not():
    assert summarise(store("compositeWithTrainedAlgorithmicMedia"))["ai_generated"] is True
    assert summarise(store("digitalCapture"))["ai_generated"] is False
    assert summarise(store("algorithmicMedia"))["ai_generated"] is False  # not a trained model
    assert summarise(store(None))["ai_generated"] is False


def test_an_invalid_store_reports_why_and_a_signature_time_wins_over_the_action_s():
    answer = summarise(store("trainedAlgorithmicMedia", "Invalid", ("assertion.bmffHash.mismatch",)))
    assert answer["signature_valid"] is False and answer["validation_failures"] == ["assertion.bmffHash.mismatch"]
    timed = store(None, signature_info={"common_name": "S", "time": "2026-05-05T00:00:00Z"})
    assert summarise(timed)["created"] == "2026-05-05T00:00:00Z"


def test_the_summary_is_bounded_and_the_old_claim_generator_string_is_read():
    many = store(None, claim_generator_info=[], claim_generator="OldTool/0.9")
    many["manifests"]["urn:1"]["assertions"][0]["data"]["actions"] *= MAX_ACTIONS + 10
    answer = summarise(many)
    assert len(answer["actions"]) == MAX_ACTIONS and answer["claim_generator"] == "OldTool/0.9"


def test_remote_manifest_refusals_give_the_url_and_other_errors_none():
    message = "Remote: must fetch remote manifests from url http://example.test/m.c2pa"
    assert remote_manifest_url(ValueError(message)) == "http://example.test/m.c2pa"
    assert remote_manifest_url(ValueError("Verify: unexpected end of file")) is None


def test_credentials_in_words():
    assert credentials_text(summarise(store("trainedAlgorithmicMedia"))) == (
        "Content Credentials: declares AI-generated (by Gen 1.2)"
    )
    assert credentials_text(summarise(store("digitalCapture"))) == (
        "Content Credentials: no AI generation declared (by Gen 1.2)"
    )
    invalid = credentials_text(summarise(store("trainedAlgorithmicMedia", "Invalid")))
    assert invalid.endswith("signature INVALID: the file was changed after signing")
    assert credentials_text(provenance(False, checked=True)) == "no Content Credentials"
    assert (
        credentials_text(provenance(True, checked=True, error="bad box")) == "Content Credentials unreadable: bad box"
    )
    assert credentials_text(not_checked("frames")) == "Content Credentials not checked (frames)"
    assert credentials_text(None) == ""
