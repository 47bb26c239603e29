"""One controller per resource; a new resource is a new module added to :data:`CONTROLLERS`."""

from __future__ import annotations

from litestar import Controller

from aura_cli.server.routes.agent import AgentController
from aura_cli.server.routes.approvals import ApprovalController
from aura_cli.server.routes.diagnostics import DiagnosticsController
from aura_cli.server.routes.events import EventsController
from aura_cli.server.routes.health import HealthController
from aura_cli.server.routes.mcp import McpController
from aura_cli.server.routes.memories import MemoryController
from aura_cli.server.routes.models import ModelsController
from aura_cli.server.routes.projects import ProjectController
from aura_cli.server.routes.settings import SettingsController
from aura_cli.server.routes.tasks import TaskController
from aura_cli.server.routes.usage import UsageController

__all__ = ["CONTROLLERS"]

CONTROLLERS: tuple[type[Controller], ...] = (
    HealthController,
    TaskController,
    AgentController,
    EventsController,
    SettingsController,
    ModelsController,
    UsageController,
    DiagnosticsController,
    McpController,
    MemoryController,
    ProjectController,
    ApprovalController,
)
