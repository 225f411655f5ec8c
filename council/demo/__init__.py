"""The demo municipality "Stadt Musterstadt": fictional people, the seed papers, past and upcoming meetings."""

from council.demo.confidential import CONFIDENTIAL_MARKER
from council.demo.logins import DEMO_LOGINS, DemoLogin
from council.demo.musterstadt import DemoSummary, load_demo

__all__ = ["CONFIDENTIAL_MARKER", "DEMO_LOGINS", "DemoLogin", "DemoSummary", "load_demo"]
