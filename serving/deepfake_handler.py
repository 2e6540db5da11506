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
from model.inference import score_clips
from model.precision import uses_bf16
from model.preprocess import preprocess_clip
from serving.batch import Batch, Cams, Clip, Describe, Refused, Request, Scored
from serving.core_share import CoreShare, sibling_marks_prefix
from serving.explanations import explanation
from serving.gradcam import clip_gradcam
from serving.inputs import DescribePayload, VideoPayload, parse_request, sample_payload
from serving.metrics import ServingMetrics
from serving.provenance import not_checked, provenance
from serving.provenance_process import ProvenanceReader
from serving.responses import model_description, model_summary, prediction, refusal
from serving.settings import available_cores, read_settings

logger = logging.getLogger(__name__)


class DeepfakeHandler(BaseHandler):
    def initialize(self, context):
        self.context = context
        self.manifest = context.manifest
        self.settings = read_settings(context.model_name)
        torch.set_num_threads(self.settings.threads(available_cores()))
        # threads fixed by DEEPFAKE_TORCH_THREADS stay fixed; else they follow the busy workers
        self.core_share = (
            None
            if self.settings.torch_threads
            else CoreShare(available_cores(), sibling_marks_prefix(context.model_name))
        )
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
        self.threshold = float(checkpoint["threshold"])
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
        started = time.perf_counter()
        try:
            content_types = {
                name: (self.context.get_request_header(index, name) or {}).get("content-type") for name in fields
            }
            payload = parse_request(fields, content_types, self.settings.max_json_frames)
            if isinstance(payload, DescribePayload):
                return Describe()
            sampled = sample_payload(payload, self.config.num_frames, self.settings.limits)
            prepared = preprocess_clip(sampled.frames, self.config)
        except VideoInputError as error:
            metrics.rejected(error.code)
            return Refused(error)
        except Exception as error:  # anything else raised while reading untrusted bytes is still bad input
            logger.warning("request %d: unreadable input", index, exc_info=True)
            metrics.rejected("undecodable")
            return Refused(VideoInputError(f"the input could not be read: {error}", "undecodable"))
        decode_s = time.perf_counter() - started
        metrics.decoded(decode_s, len(sampled.frames), sampled.video.duration_s)
        explain = self.context.get_request_header(index, "explain") == "True"
        credentials, provenance_s = self._read_provenance(payload)
        return Clip(sampled, prepared.tensor, prepared.describe_faces(), explain, decode_s, credentials, provenance_s)

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
        started = time.perf_counter()
        scores = score_clips(
            self.model, [clip.tensor for clip in clips], self.settings.chunk_frames, self.device, self.bf16
        )
        batch.inference_s = time.perf_counter() - started
        if clips:
            batch.metrics.inferred(batch.inference_s)
        scored = iter(Scored(clip, score, self._cams(clip)) for clip, score in zip(clips, scores))
        batch.requests = [next(scored) if isinstance(request, Clip) else request for request in batch.requests]
        return batch

    def _cams(self, clip: Clip) -> Cams | None:
        if not clip.explain:
            return None
        started = time.perf_counter()
        maps = clip_gradcam(self.model, clip.tensor.to(self.device)).cpu()
        return Cams(maps, time.perf_counter() - started)

    def postprocess(self, batch: Batch) -> list[dict]:
        return [self._answer(index, request, batch) for index, request in enumerate(batch.requests)]

    def _answer(self, index: int, request: Request, batch: Batch) -> dict:
        self.context.set_response_content_type(index, "application/json")
        if isinstance(request, Refused):
            status, answer = refusal(request.error)
            self.context.set_response_status(status, request.error.code, index)
            return answer
        if isinstance(request, Describe):
            return self.describe_handle()
        answer = self._prediction(request, batch)
        batch.metrics.predicted(answer["label"])
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
        answer = prediction(clip.sampled, scored.score, self.threshold, self.model_info, timing_ms, clip.faces)
        answer["batch_size"] = batch.scored_count()
        answer["provenance"] = clip.provenance
        if cams is not None:
            answer["explanation"] = explanation(clip.sampled, scored.score, cams.maps, clip.faces)
        return answer

    def explain_handle(self, data_preprocess, raw_data):
        return self.postprocess(self.inference(data_preprocess))

    def describe_handle(self):
        """`GET /models/deepfake?customized=true` (management) and JSON {"describe": true}."""
        return {"model": model_description(self.context.model_name, self.checkpoint_meta, self.config)}
