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
from model.face_tracks import link_tracks, track_clips
from model.faces import detect_faces
from model.inference import score_clips
from model.precision import uses_bf16
from model.preprocess import normalize_clip, preprocess_clip
from model.segments import genuine_scores_of
from model.verdict import DecisionRule
from serving import coverage
from serving.core_share import CoreShare, sibling_marks_prefix
from serving.coverage_options import read_coverage_options
from serving.explanations import explanation
from serving.face_answers import face_answers
from serving.gradcam import clip_gradcam
from serving.inputs import DescribePayload, parse_request, sample_payload
from serving.metrics import ServingMetrics
from serving.request_state import RequestState
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
        # calibration, operating point and in-distribution check; older checkpoints: threshold only
        self.rule = DecisionRule.from_checkpoint(self.checkpoint_meta)
        self.genuine_scores = genuine_scores_of(self.checkpoint_meta)  # coverage: the window-count adjustment
        self.model_info = model_summary(context.model_name, self.checkpoint_meta, self.config)
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

    def preprocess(self, data):
        metrics = ServingMetrics(self.context.metrics, self.context.model_name)
        return [self._prepare(index, fields, metrics) for index, fields in enumerate(data)]

    def _prepare(self, index: int, fields: dict, metrics: ServingMetrics) -> RequestState:
        state = RequestState(explain=self.context.get_request_header(index, "explain") == "True")
        started = time.perf_counter()
        try:
            content_types = {
                name: (self.context.get_request_header(index, name) or {}).get("content-type") for name in fields
            }
            payload = parse_request(fields, content_types, self.settings.max_json_frames)
            if isinstance(payload, DescribePayload):
                state.describe = True
                return state
            options = read_coverage_options(fields)
            if options.full:
                return self._defer_coverage(state, payload, options)
            state.sampled = sample_payload(payload, self.config.num_frames, self.settings.limits)
            frames = state.sampled.frames
            detections = detect_faces(frames) if self.config.face_crop else None  # once, for both uses
            prepared = preprocess_clip(frames, self.config, detections)
            state.clip, state.faces = prepared.tensor, prepared.describe_faces()
            if detections is not None:
                state.tracks = track_clips(frames, link_tracks(detections), self.config)
                state.face_counts = [len(found) for found in detections]
        except VideoInputError as error:
            state.error = error
        except Exception as error:  # anything else raised while reading untrusted bytes is still bad input
            logger.warning("request %d: unreadable input", index, exc_info=True)
            state.error = VideoInputError(f"the input could not be read: {error}", "undecodable")
        state.decode_s = time.perf_counter() - started
        if state.error is not None:
            metrics.rejected(state.error.code)
        elif state.sampled is not None:
            metrics.decoded(state.decode_s, len(state.sampled.frames), state.sampled.video.duration_s)
        return state

    def _defer_coverage(self, state: RequestState, payload, options) -> RequestState:
        """Coverage requests decode in the inference step: frames go to the network as they are decoded."""
        if state.explain:
            raise VideoInputError(
                "coverage=full is for predictions: explanations cover the sampled frames", "coverage_not_explainable"
            )
        state.coverage = options.plan(self.settings.coverage)
        state.payload = payload
        return state

    def _cover(self, state: RequestState, metrics: ServingMetrics) -> None:
        """The whole coverage analysis of one request; its errors are its own answer, as in preprocess."""
        try:
            state.covered = coverage.analyse_payload(
                state.payload,
                self.model,
                self.config,
                state.coverage,
                self.settings.limits,
                chunk_frames=self.settings.chunk_frames,
                device=self.device,
                bf16=self.bf16,
            )
        except VideoInputError as error:
            state.error = error
        except Exception as error:  # as in _prepare: untrusted bytes, whatever PyAV raised
            logger.warning("coverage request: unreadable input", exc_info=True)
            state.error = VideoInputError(f"the input could not be read: {error}", "undecodable")
        state.payload = None  # the upload is not needed any more
        if state.error is not None:
            metrics.rejected(state.error.code)
            return
        state.decode_s, state.explain_s = state.covered.decode_s, state.covered.network_s
        metrics.decoded(state.decode_s, len(state.covered.frame_indices), state.covered.video.duration_s)

    def inference(self, states, *args, **kwargs):
        if self.core_share is not None:
            torch.set_num_threads(self.core_share.threads_now())
        scorable = [state for state in states if state.clip is not None]
        tracks = [(state, clip) for state in scorable for clip in state.tracks or []]
        clips = [state.clip for state in scorable] + [self._track_tensor(clip) for _, clip in tracks]
        started = time.perf_counter()
        scores = score_clips(self.model, clips, self.settings.chunk_frames, self.device, self.bf16)
        for (state, _), score in zip(tracks, scores[len(scorable) :]):
            state.track_scores = (state.track_scores or []) + [score]
        self.batch_inference_s = time.perf_counter() - started
        if scorable:
            ServingMetrics(self.context.metrics, self.context.model_name).inferred(self.batch_inference_s)
        for state, score in zip(scorable, scores):
            state.score = score
            if state.explain:
                explain_started = time.perf_counter()
                state.cams = clip_gradcam(self.model, state.clip.to(self.device)).cpu()
                state.explain_s = time.perf_counter() - explain_started
        metrics = ServingMetrics(self.context.metrics, self.context.model_name)
        for state in states:
            if state.coverage is not None and state.error is None:
                self._cover(state, metrics)
        return states

    def postprocess(self, states):
        metrics = ServingMetrics(self.context.metrics, self.context.model_name)
        answers = []
        for index, state in enumerate(states):
            self.context.set_response_content_type(index, "application/json")
            if state.error is not None:
                status, answer = refusal(state.error)
                self.context.set_response_status(status, state.error.code, index)
                answers.append(answer)
            elif state.describe:
                answers.append(self.describe_handle())
            elif state.covered is not None:
                answers.append(self._coverage_answer(state))
                metrics.predicted(answers[-1]["label"], answers[-1]["verdict"])
            else:
                answers.append(self._answer(state, len([s for s in states if s.score is not None])))
                metrics.predicted(answers[-1]["label"], answers[-1]["verdict"])
        return answers

    def _track_tensor(self, clip) -> torch.Tensor:
        return normalize_clip(clip.pixels, self.config.mean, self.config.std)

    def _answer(self, state: RequestState, batch_size: int) -> dict:
        timing_ms = {"decode": state.decode_s * 1000, "inference": self.batch_inference_s * 1000}
        if state.cams is not None:
            timing_ms["explain"] = state.explain_s * 1000
        faces, decision, track = face_answers(state.sampled, state.tracks or [], state.track_scores or [], self.rule)
        answer = prediction(
            state.sampled, state.score, self.rule, self.model_info, timing_ms, state.faces, decision=decision
        )
        if state.tracks is not None:
            answer["faces"] = faces
            answer["frames"]["face_count"] = state.face_counts
            answer["decided_by"] = {"track": track} if track is not None else {"track": None, "frames": "main face"}
        answer["batch_size"] = batch_size
        if state.cams is not None:
            answer["explanation"] = explanation(state.sampled, answer["frames"]["scores"], state.cams, state.faces)
        return answer

    def _coverage_answer(self, state: RequestState) -> dict:
        decided = coverage.decide(state.covered, self.rule, self.genuine_scores)
        timing_ms = {"decode": state.decode_s * 1000, "inference": state.explain_s * 1000}
        answer = coverage.coverage_prediction(state.covered, decided, self.rule, self.model_info, timing_ms)
        answer["batch_size"] = 1  # its windows went through the network on their own
        return answer

    def explain_handle(self, data_preprocess, raw_data):
        return self.postprocess(self.inference(data_preprocess))

    def describe_handle(self):
        """`GET /models/deepfake?customized=true` (management) and JSON {"describe": true}."""
        return {"model": model_description(self.context.model_name, self.checkpoint_meta, self.config, self.rule)}
