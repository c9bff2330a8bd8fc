"""The DEMO's scripted people and its screen (ceremony.workflows.demo_mission.DemoScreen), and the
closing summary: where the kit is, the words people write down, and the audit commands to run."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from ceremony.ui.answers import ScriptedOperator
from ceremony.ui.console import say

if TYPE_CHECKING:
    from ceremony.core.vdf import Progress
    from ceremony.model.share import Share
    from ceremony.workflows.demo_mission import Mission
    from ceremony.workflows.lifecycle.base import LifecycleOperator


class DemoOperator(ScriptedOperator):
    """Scripted answers that keep the DEMO shares in memory for the recovery that follows."""

    shares: list[Share]

    def reenter_share(self, holder: str, group: str, expected: Share) -> str:
        self.shares.append(expected)
        return super().reenter_share(holder, group, expected)


class DemoTerminal:
    """Chatter on stderr, the delay's bar at a terminal."""

    def __init__(self) -> None:
        self._operator = DemoOperator(accept_preflight_failures=True, bag_serial_prefix="DEMO-BAG-")
        self._operator.shares = []

    def note(self, text: str) -> None:
        say(text)

    def ceremony_operator(self) -> DemoOperator:
        return self._operator

    def reentered_shares(self) -> list[Share]:
        return self._operator.shares

    def extension_operator(self, shares: Sequence[Share]) -> LifecycleOperator:
        from ceremony.ui.lifecycle_operator import ScriptedLifecycleOperator

        return ScriptedLifecycleOperator(
            accept_preflight_failures=True,
            bag_serial_prefix="DEMO-EXT-",
            shares=[s.mnemonic() for s in shares],
        )

    def progress(self, label: str, unit: str, rate_hint: float) -> AbstractContextManager[Progress]:
        from ceremony.ui.progress import ProgressBar

        return ProgressBar(label, unit=unit, rate_hint=rate_hint)


def mission_summary(mission: Mission, run: str) -> list[str]:
    """The closing lines; `run` is how to type `ceremony` on this machine."""
    from ceremony.model.hashwords import hash_words

    directory, extended = mission.directory, mission.extended
    session = mission.recovered.session
    head_words = mission.demo.outcome.head_words
    session_words = hash_words(bytes.fromhex(session.head))
    return [
        f"DEMO: done in {mission.seconds:.1f} s. The kit is in {directory}:",
        f"  {directory}/record.pdf          the public ceremony record (print it, sign it)",
        f"  {directory}/holders/*.pdf       one share card + instructions per holder (SECRET)",
        f"  {directory}/runbooks/*.pdf      the printed runbooks, facts filled in",
        f"  {directory}/recover.py          the standalone recovery program",
        f"  {directory}/transcript.jsonl    the hash-chained transcript",
        f"  {directory}/recovery/           the recovery session: notice, proofs, its transcript",
        f"  {extended.directory}/           the extension: new holder kit, amended record",
        "  the extension's audit follows the chain of records back to the kit:",
        f"      {run} audit {extended.directory} --chain {directory} "
        f'--head-words "{extended.head_words}"',
        "  words people write down, outside the kit, to anchor the audit:",
        f"    transcript head (initialled at closing): {head_words}",
        f"    recovery notice hash (for stakeholders): {session.notice.hash_words}",
        f"    recovery session head (at its close):    {session_words}",
        "  check it all from the public files, anchored by those words, with:",
        f'      {run} audit {directory} --head-words "{head_words}" '
        f'--notice-words "{session.notice.hash_words}" '
        f'--session-words "{session_words}"',
    ]
