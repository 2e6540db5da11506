"""TorchServe entry point: one handler class over BaseHandler's lifecycle.

preprocess -> inference -> postprocess, each per request of the batch: a bad request gets its
own 4xx JSON answer and never fails its neighbours. Explanations (`POST /explanations/...`) go
through the same three steps; `explain_handle` only routes there, so every request of a batch is
explained (BaseHandler's default explains the first one only) and mixed batches are right.
"""

from __future__ import annotations

import logging
import os
import time

import torch
from ts.torch_handler.base_handler import BaseHandler

from model.checkpoint import build_from_checkpoint, read_checkpoint
from model.errors import VideoInputError
from model.face_tracks import TrackClip, link_tracks, track_clips
from model.faces import detect_faces
from model.inference import score_clips
from model.precision import uses_bf16
from model.preprocess import normalize_clip, preprocess_clip
from model.segments import genuine_scores_of
from model.verdict import DecisionRule
from serving import coverage
from serving.batch import Batch, Cams, Clip, Coverage, Covered, Describe, Refused, Request, Scored
from serving.core_share import CoreShare, sibling_marks_prefix
from serving.coverage_options import CoverageOptions, read_coverage_options
from serving.explanations import explanation
from serving.face_answers import face_answers
from serving.gradcam import clip_gradcam
from serving.inputs import DescribePayload, FramesPayload, VideoPayload, parse_request, sample_payload
from serving.metrics import ServingMetrics
from serving.provenance import not_checked, provenance
from serving.provenance_process import ProvenanceReader
from serving.responses import model_description, model_summary, non_finite_paths, prediction, refusal
from serving.settings import available_cores, read_settings

logger = logging.getLogger(__name__)

# TorchServe's worker json.loads application/json bodies (and decodes text/*) before the handler
# sees them, without any size or depth budget; it reads this variable for every request, so
# setting it here hands every later request over as the client's bytes (serving/inputs.py).
RAW_INPUT_ENVIRONMENT = {"TS_DECODE_INPUT_REQUEST": "false"}


def release_uploads(fields: dict) -> None:
    """Free the request's bytes once decoded: TorchServe's worker loop keeps the batch referenced
    until the next one has arrived, so an upload would otherwise sit in memory through the
    forward pass and the wait for the next request (two uploads at once)."""
    for value in fields.values():
        if isinstance(value, bytearray):
            try:
                value.clear()
            except BufferError:  # still exported (a reader not yet collected): freed with the batch
                pass


class DeepfakeHandler(BaseHandler):
    def initialize(self, context):
        os.environ.update(RAW_INPUT_ENVIRONMENT)
        self.context = context
        self.manifest = context.manifest
        self.settings = read_settings(context.model_name)
        torch.set_num_threads(self.settings.threads(available_cores()))
        # threads fixed by DEEPFAKE_TORCH_THREADS stay fixed; else they follow the busy workers
        marks = None if self.settings.torch_threads else sibling_marks_prefix(context.model_name)
        self.core_share = None if marks is None else CoreShare(available_cores(), marks)
        gpu_id = context.system_properties.get("gpu_id")
        self.device = torch.device(f"cuda:{gpu_id}" if torch.cuda.is_available() and gpu_id is not None else "cpu")
        self.model_pt_path = os.path.join(
            context.system_properties["model_dir"], self.manifest["model"]["serializedFile"]
        )
        checkpoint = read_checkpoint(self.model_pt_path)
        self.model, self.config = build_from_checkpoint(checkpoint)
        self.model = self.model.to(self.device, memory_format=torch.channels_last).eval()
        self.bf16 = uses_bf16(self.settings.precision, self.device)
        self.checkpoint_meta = {key: value for key, value in checkpoint.items() if key != "state_dict"}
        # calibration, operating point and in-distribution check; older checkpoints: threshold only
        self.rule = DecisionRule.from_checkpoint(self.checkpoint_meta)
        self.genuine_scores = genuine_scores_of(self.checkpoint_meta)  # coverage: the window-count adjustment
        self.model_info = model_summary(context.model_name, self.checkpoint_meta, self.config)
        self.provenance = ProvenanceReader(self.settings.provenance)
        self.provenance.start()
        self._warm_up()
        self.initialized = True
        logger.info(
            "deepfake handler ready: %s, %d torch threads, bf16 %s", self.model_info, torch.get_num_threads(), self.bf16
        )

    def _warm_up(self) -> None:
        """Forwards at the served shape and at each thread count a batch may get, so the first real
        request is not the slow one (oneDNN picks its kernels per thread count)."""
        size = self.config.image_size
        thread_counts = {available_cores(), torch.get_num_threads()} if self.core_share else {torch.get_num_threads()}
        for threads in sorted(thread_counts, reverse=True):
            torch.set_num_threads(threads)
            for _ in range(2):  # the second pass still found slower kernels in the first request
                score_clips(
                    self.model,
                    [torch.zeros(self.config.num_frames, 3, size, size)],
                    self.settings.chunk_frames,
                    self.device,
                    self.bf16,
                )

    def handle(self, data, context):
        """BaseHandler's lifecycle; the batch counts as busy for the sibling workers (core_share.py)."""
        if self.core_share is None:
            return super().handle(data, context)
        with self.core_share.busy():
            return super().handle(data, context)

    def preprocess(self, data) -> Batch:
        metrics = ServingMetrics(self.context.metrics, self.context.model_name)
        return Batch([self._request(index, fields, metrics) for index, fields in enumerate(data)], metrics)

    def _request(self, index: int, fields: dict, metrics: ServingMetrics) -> Request:
        request = None
        try:
            request = self._read_request(index, fields, metrics)
            return request
        finally:
            if not isinstance(request, Coverage):  # a coverage request decodes its upload in the inference step
                release_uploads(fields)  # decoded and read for provenance: the upload's bytes can go

    def _read_request(self, index: int, fields: dict, metrics: ServingMetrics) -> Request:
        started = time.perf_counter()
        try:
            content_types = {
                name: (self.context.get_request_header(index, name) or {}).get("content-type") for name in fields
            }
            payload = parse_request(fields, content_types, self.settings.json)
            if isinstance(payload, DescribePayload):
                return Describe()
            explain = self.context.get_request_header(index, "explain") == "True"
            options = read_coverage_options(fields, payload.options if isinstance(payload, FramesPayload) else None)
            if options.full:
                return self._coverage(payload, options, explain)
            sampled = sample_payload(payload, self.config.num_frames, self.settings.limits)
            detections = detect_faces(sampled.frames) if self.config.face_crop else None  # once, for both uses
            prepared = preprocess_clip(sampled.frames, self.config, detections)
        except VideoInputError as error:
            metrics.rejected(error.code)
            return Refused(error)
        except Exception:  # anything else raised while reading untrusted bytes is still bad input
            logger.warning("request %d: unreadable input", index, exc_info=True)
            metrics.rejected("undecodable")
            return Refused(VideoInputError("the input could not be read as a video or images", "undecodable"))
        tracks = None if detections is None else track_clips(sampled.frames, link_tracks(detections), self.config)
        decode_s = time.perf_counter() - started
        metrics.decoded(decode_s, len(sampled.frames), sampled.video.duration_s)
        credentials, provenance_s = self._read_provenance(payload)
        face_counts = None if detections is None else [len(found) for found in detections]
        return Clip(
            sampled,
            prepared.tensor,
            prepared.describe_faces(),
            explain,
            decode_s,
            credentials,
            provenance_s,
            tracks,
            face_counts,
        )

    def _coverage(self, payload, options: CoverageOptions, explain: bool) -> Coverage:
        """Coverage requests decode in the inference step: frames go to the network as they are decoded."""
        if explain:
            raise VideoInputError(
                "coverage=full is for predictions: explanations cover the sampled frames", "coverage_not_explainable"
            )
        return Coverage(payload, options.plan(self.settings.coverage))

    def _read_provenance(self, payload) -> tuple[dict, float]:
        """Content Credentials of an uploaded file and the seconds it took; never fails the prediction."""
        if not isinstance(payload, VideoPayload):
            return not_checked("frames sent as images: no file to read Content Credentials from"), 0.0
        started = time.perf_counter()
        try:
            credentials = self.provenance.read(payload.data)
        except Exception as error:  # a bug here must not cost the verdict
            logger.warning("provenance could not be read", exc_info=True)
            credentials = provenance(False, checked=False, error=f"provenance could not be read: {error}")
        return credentials, time.perf_counter() - started

    def inference(self, batch: Batch, *args, **kwargs) -> Batch:
        if self.core_share is not None:
            torch.set_num_threads(self.core_share.threads_now())
        clips = batch.clips()
        tracks = [track for clip in clips for track in clip.tracks or []]
        tensors = [clip.tensor for clip in clips] + [self._track_tensor(track) for track in tracks]
        started = time.perf_counter()
        scores = score_clips(self.model, tensors, self.settings.chunk_frames, self.device, self.bf16)
        batch.inference_s = time.perf_counter() - started
        if clips:
            batch.metrics.inferred(batch.inference_s)
        track_scores = iter(scores[len(clips) :])
        scored = iter(
            Scored(clip, score, self._cams(clip), [next(track_scores) for _ in clip.tracks or []])
            for clip, score in zip(clips, scores)
        )
        batch.requests = [self._after_inference(request, scored, batch) for request in batch.requests]
        return batch

    def _after_inference(self, request: Request, scored, batch: Batch) -> Request:
        if isinstance(request, Clip):
            return next(scored)
        if isinstance(request, Coverage):
            return self._cover(request, batch)
        return request

    def _track_tensor(self, track: TrackClip) -> torch.Tensor:
        return normalize_clip(track.pixels, self.config.mean, self.config.std)

    def _cover(self, request: Coverage, batch: Batch) -> Covered | Refused:
        """The whole coverage analysis of one request; its errors are its own answer, as in preprocess."""
        try:
            result = coverage.analyse_payload(
                request.payload,
                self.model,
                self.config,
                request.plan,
                self.settings.limits,
                chunk_frames=self.settings.chunk_frames,
                device=self.device,
                bf16=self.bf16,
            )
        except VideoInputError as error:
            batch.metrics.rejected(error.code)
            return Refused(error)
        except Exception as error:  # as in _request: untrusted bytes, whatever PyAV raised
            logger.warning("coverage request: unreadable input", exc_info=True)
            batch.metrics.rejected("undecodable")
            return Refused(VideoInputError(f"the input could not be read: {error}", "undecodable"))
        batch.metrics.decoded(result.decode_s, len(result.frame_indices), result.video.duration_s)
        return Covered(result, *self._read_provenance(request.payload))

    def _cams(self, clip: Clip) -> Cams | None:
        if not clip.explain:
            return None
        started = time.perf_counter()
        maps = clip_gradcam(self.model, clip.tensor.to(self.device)).cpu()
        return Cams(maps, time.perf_counter() - started)

    def postprocess(self, batch: Batch) -> list[dict]:
        return [
            self._finite(index, self._answer(index, request, batch)) for index, request in enumerate(batch.requests)
        ]

    def _finite(self, index: int, answer: dict) -> dict:
        """An answer with NaN or an infinity would not be JSON (json.dumps writes them bare): refused instead."""
        bad = non_finite_paths(answer)
        if not bad:
            return answer
        logger.warning("request %d: non-finite numbers in the answer at %s", index, bad[:5])
        error = VideoInputError(f"the input gives numbers that are not finite ({', '.join(bad[:3])})", "non_finite")
        status, refused = refusal(error)
        self.context.set_response_status(status, error.code, index)
        return refused

    def _answer(self, index: int, request: Request, batch: Batch) -> dict:
        self.context.set_response_content_type(index, "application/json")
        if isinstance(request, Refused):
            status, answer = refusal(request.error)
            self.context.set_response_status(status, request.error.code, index)
            return answer
        if isinstance(request, Describe):
            return self.describe_handle()
        answer = self._covered(request) if isinstance(request, Covered) else self._prediction(request, batch)
        batch.metrics.predicted(answer["label"], answer["verdict"])
        return answer

    def _prediction(self, scored: Scored, batch: Batch) -> dict:
        clip, cams = scored.clip, scored.cams
        timing_ms = {
            "decode": clip.decode_s * 1000,
            "inference": batch.inference_s * 1000,
            "provenance": clip.provenance_s * 1000,
        }
        if cams is not None:
            timing_ms["explain"] = cams.seconds * 1000
        faces, decision, track = face_answers(clip.sampled, clip.tracks or [], scored.track_scores, self.rule)
        answer = prediction(clip.sampled, scored.score, self.rule, self.model_info, timing_ms, clip.faces, decision)
        answer["batch_size"] = batch.scored_count()
        answer["provenance"] = clip.provenance
        if clip.tracks is not None:
            answer["faces"] = faces
            answer["frames"]["face_count"] = clip.face_counts
            answer["decided_by"] = {"track": track} if track is not None else {"track": None, "clip": "main face"}
        if cams is not None:
            answer["explanation"] = explanation(clip.sampled, answer["frames"]["scores"], cams.maps, clip.faces)
        return answer

    def _covered(self, covered: Covered) -> dict:
        result = covered.result
        decided = coverage.decide(result, self.rule, self.genuine_scores)
        timing_ms = {
            "decode": result.decode_s * 1000,
            "preprocess": result.preprocess_s * 1000,
            "inference": result.network_s * 1000,
            "provenance": covered.provenance_s * 1000,
        }
        answer = coverage.coverage_prediction(result, decided, self.rule, self.model_info, timing_ms)
        answer["batch_size"] = 1  # its windows went through the network on their own
        answer["provenance"] = covered.provenance
        return answer

    def explain_handle(self, data_preprocess, raw_data):
        return self.postprocess(self.inference(data_preprocess))

    def describe_handle(self):
        """`GET /models/deepfake?customized=true` (management) and JSON {"describe": true}."""
        return {"model": model_description(self.context.model_name, self.checkpoint_meta, self.config, self.rule)}
