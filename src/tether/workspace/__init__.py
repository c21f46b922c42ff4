"""Find and load a workspace: integrations.yaml plus its rules, with located errors."""

from tether.workspace.loader import Workspace, find_workspace_file, load_workspace

__all__ = ["Workspace", "find_workspace_file", "load_workspace"]
