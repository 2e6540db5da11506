"""FastAPI dependencies: the settings and the TorchServe client live on app.state, created by the app's lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from proxy.forwards import ForwardSlots
from proxy.settings import Settings
from proxy.torchserve import TorchServe


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_torchserve(request: Request) -> TorchServe:
    return request.app.state.torchserve


def get_forwards(request: Request) -> ForwardSlots:
    return request.app.state.forwards


SettingsDep = Annotated[Settings, Depends(get_settings)]
TorchServeDep = Annotated[TorchServe, Depends(get_torchserve)]
ForwardsDep = Annotated[ForwardSlots, Depends(get_forwards)]
