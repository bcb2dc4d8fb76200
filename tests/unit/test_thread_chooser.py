"""The runtime's choice between the requested threads and one (runtime/watch.py): each
option is measured, the faster kept, the other tried again in short chunks now and
then; results do not depend on it (bit-identical with any thread count)."""
from neurogen.runtime.watch import ThreadChooser


def _drive(chooser, seconds_per_step, chunks=60, steps=100):
    used = []
    for _ in range(chunks):
        threads, trial = chooser.next()
        used.append((threads, trial))
        chooser.ran(threads, steps, seconds_per_step[threads] * steps)
    return used


def test_one_requested_thread_is_always_one():
    used = _drive(ThreadChooser(1), {1: 1e-3})
    assert {u for u in used} == {(1, False)}


def test_the_faster_option_is_kept_and_the_other_retried_in_trials():
    busy = _drive(ThreadChooser(2), {2: 4e-3, 1: 1e-3})      # two threads descheduled
    assert busy[:3] == [(2, False), (2, False), (1, True)]    # the first chunk warms up
    later = busy[3:]
    assert sum(t == 1 for t, _ in later) > 0.85 * len(later)
    assert all(trial for t, trial in later if t == 2) and any(t == 2 for t, _ in later)
    quiet = _drive(ThreadChooser(2), {2: 0.6e-3, 1: 1e-3})
    assert sum(t == 2 for t, _ in quiet[3:]) > 0.85 * len(quiet[3:])


def test_a_change_of_load_changes_the_choice():
    chooser = ThreadChooser(2)
    _drive(chooser, {2: 0.5e-3, 1: 1e-3}, chunks=30)
    after = _drive(chooser, {2: 5e-3, 1: 1e-3}, chunks=60)
    assert [t for t, _ in after[-20:]].count(1) >= 18


def test_the_first_chunk_warms_up_and_is_not_measured():
    """Its threads start and its state comes into the caches: much slower than later."""
    chooser, used = ThreadChooser(2), []
    for k in range(20):
        threads, _ = chooser.next()
        used.append(threads)
        per_step = {2: 0.5e-3, 1: 1e-3}[threads] * (10 if k == 0 else 1)
        chooser.ran(threads, 100, per_step * 100)
    assert used[:3] == [2, 2, 1] and used[3:].count(2) >= 15
