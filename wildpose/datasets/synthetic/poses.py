"""3D skeleton sampler: per-subject bone lengths and activity-structured joint angles.

Pure numpy. A pose is built in a *body frame* that shares the camera's axes (x right,
y down, z forward, mm) for a person standing upright and facing the camera: the
person's front is -z, their up is -y and their own right is -x (so their left joints sit
at +x, as a person facing you has their left hand on your right). A proper rotation
(yaw all around, small pitch and roll) then turns the body; proper rotations keep
handedness, so a joint named ``l_*`` always is the person's left.

Joints follow :mod:`wildpose.structures.skeleton` (MPII order, 16 joints, root pelvis 6).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...structures.skeleton import NUM_JOINTS

#: activities and their probabilities
ACTIVITIES: tuple[str, ...] = ('standing', 'walking', 'sitting', 'reaching')

DOWN = np.array([0.0, 1.0, 0.0])
UP = -DOWN
FRONT = np.array([0.0, 0.0, -1.0])
BACK = -FRONT
LEFT = np.array([1.0, 0.0, 0.0])

#: mean bone lengths / offsets of the canonical subject, mm (close to Human3.6M's means)
BASE_LENGTHS: dict[str, float] = dict(
    hip=130.0,        # pelvis -> hip (mostly lateral)
    thigh=450.0,      # hip -> knee
    shin=445.0,       # knee -> ankle
    spine=240.0,      # pelvis -> thorax
    neck=250.0,       # thorax -> upper neck
    head=225.0,       # upper neck -> head top
    shoulder=155.0,   # upper neck -> shoulder (mostly lateral)
    upper_arm=285.0,  # shoulder -> elbow
    forearm=250.0,    # elbow -> wrist
)


@dataclass(frozen=True)
class Subject:
    """One person's body: bone lengths (mm) and a body-width factor."""
    lengths: dict[str, float]
    girth: float  #: multiplies the rendered limb radii


@dataclass
class Pose:
    """A posed skeleton.

    Attributes:
        joints: (16, 3) joint positions, mm (body frame or camera frame).
        head_front: (3,) unit vector the face looks along.
        head_up: (3,) unit vector from chin to crown.
        pelvis_front: (3,) unit vector the hips face (for feet).
        activity: the activity name.
    """
    joints: np.ndarray
    head_front: np.ndarray
    head_up: np.ndarray
    pelvis_front: np.ndarray
    activity: str

    def rotated(self, rot: np.ndarray, offset: np.ndarray) -> 'Pose':
        """Apply ``x -> rot @ x + offset`` to joints (and ``rot`` to directions)."""
        return Pose(self.joints @ rot.T + offset, rot @ self.head_front, rot @ self.head_up,
                    rot @ self.pelvis_front, self.activity)


def rot_x(deg: float) -> np.ndarray:
    a = np.deg2rad(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rot_y(deg: float) -> np.ndarray:
    a = np.deg2rad(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rot_z(deg: float) -> np.ndarray:
    a = np.deg2rad(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def sample_subject(rng: np.random.Generator) -> Subject:
    """Bone lengths around human proportions: a global size N(1, 0.05) clipped to
    [0.88, 1.12] times a per-bone factor N(1, 0.03) clipped to [0.94, 1.06] (left and right
    equal)."""
    size = float(np.clip(rng.normal(1.0, 0.05), 0.88, 1.12))
    lengths = {k: v * size * float(np.clip(rng.normal(1.0, 0.03), 0.94, 1.06))
               for k, v in BASE_LENGTHS.items()}
    return Subject(lengths, float(np.clip(rng.normal(1.0, 0.1), 0.8, 1.25)))


def limb_direction(flex: float, abd: float, side: float) -> np.ndarray:
    """Unit direction of a limb hanging from a ball joint, in degrees.

    ``flex`` swings it forward (negative: backward), ``abd`` outward to the person's
    ``side`` (+1 left, -1 right). The pair is read as a swing of ``hypot(flex, abd)`` from
    straight down, towards the azimuth ``atan2(abd, flex)``, so it has no gimbal lock.
    """
    elev = float(np.hypot(flex, abd))
    az = float(np.degrees(np.arctan2(abd, flex)))
    # rot_y(-az) turns FRONT towards +x (the left) for positive az
    return rot_y(-side * az) @ rot_x(-elev) @ DOWN


def bend(v: np.ndarray, towards: np.ndarray, deg: float) -> np.ndarray:
    """Rotate unit vector ``v`` by ``deg`` towards ``towards`` (in their common plane)."""
    perp = towards - np.dot(towards, v) * v
    norm = np.linalg.norm(perp)
    if norm < 1e-6:
        return v
    a = np.deg2rad(deg)
    return np.cos(a) * v + np.sin(a) * perp / norm


def _angles(activity: str, rng: np.random.Generator, jitter: float) -> dict[str, float]:
    """Joint angles (degrees) of one activity; ``jitter`` scales extra Gaussian noise."""
    u = rng.uniform
    a: dict[str, float] = dict(lean=u(-5, 10), twist=rng.normal(0, 8), side=rng.normal(0, 3),
                               head_flex=rng.normal(0, 8), head_yaw=rng.normal(0, 15))
    for s in ('l', 'r'):  # standing defaults
        a.update({f'{s}_hip_flex': rng.normal(0, 5), f'{s}_hip_abd': u(0, 8),
                  f'{s}_knee': u(0, 15), f'{s}_sh_flex': u(-15, 30), f'{s}_sh_abd': u(5, 30),
                  f'{s}_elbow': u(0, 45)})
    if activity == 'walking':
        phase, amp = u(0, 2 * np.pi), u(15, 32)
        for s, sign in (('r', 1.0), ('l', -1.0)):
            swing = sign * np.sin(phase)
            a[f'{s}_hip_flex'] = amp * swing
            a[f'{s}_knee'] = 5 + 55 * max(0.0, sign * np.cos(phase)) + u(0, 10)
            a[f'{s}_sh_flex'] = -0.8 * amp * swing
            a[f'{s}_sh_abd'] = u(5, 15)
            a[f'{s}_elbow'] = u(10, 50)
        a['lean'] = u(0, 10)
    elif activity == 'sitting':
        for s in ('l', 'r'):
            a.update({f'{s}_hip_flex': u(75, 105), f'{s}_hip_abd': u(0, 20),
                      f'{s}_knee': u(70, 115), f'{s}_sh_flex': u(10, 60),
                      f'{s}_sh_abd': u(0, 25), f'{s}_elbow': u(20, 95)})
        a['lean'] = u(-10, 25)
    elif activity == 'reaching':
        raised = [s for s in ('l', 'r') if rng.random() < 0.6] or [('l', 'r')[rng.integers(2)]]
        for s in raised:
            a.update({f'{s}_sh_flex': u(50, 170), f'{s}_sh_abd': u(-10, 90),
                      f'{s}_elbow': u(0, 40)})
        a.update(lean=u(0, 35), twist=rng.normal(0, 20), side=rng.normal(0, 10))
    elif activity != 'standing':
        raise ValueError(f"unknown activity '{activity}', expected one of {ACTIVITIES}")
    if jitter > 0:
        for k in a:
            a[k] += rng.normal(0, 4 * jitter)
    for s in ('l', 'r'):  # anatomical limits
        a[f'{s}_knee'] = float(np.clip(a[f'{s}_knee'], 0, 150))
        a[f'{s}_elbow'] = float(np.clip(a[f'{s}_elbow'], 0, 150))
        a[f'{s}_hip_flex'] = float(np.clip(a[f'{s}_hip_flex'], -30, 120))
        a[f'{s}_hip_abd'] = float(np.clip(a[f'{s}_hip_abd'], -10, 45))
        a[f'{s}_sh_flex'] = float(np.clip(a[f'{s}_sh_flex'], -50, 175))
        a[f'{s}_sh_abd'] = float(np.clip(a[f'{s}_sh_abd'], -20, 120))
    return a


def sample_pose(subject: Subject, rng: np.random.Generator, activity: str | None = None,
                jitter: float = 0.0) -> Pose:
    """A pose in the body frame (pelvis at the origin, facing -z), mm."""
    if activity is None:
        activity = ACTIVITIES[int(rng.integers(len(ACTIVITIES)))]
    a = _angles(activity, rng, jitter)
    L = subject.lengths
    J = np.zeros((NUM_JOINTS, 3))
    # legs, in the pelvis frame
    for side, hip, knee, ankle in ((1.0, 3, 4, 5), (-1.0, 2, 1, 0)):
        s = 'l' if side > 0 else 'r'
        J[hip] = L['hip'] * np.array([side * 0.95, 0.3, 0.0])
        thigh = limb_direction(a[f'{s}_hip_flex'], a[f'{s}_hip_abd'], side)
        fwd = max(0.0, float(np.dot(thigh, FRONT)))
        shin = bend(thigh, BACK * (1 - fwd) + DOWN * fwd, a[f'{s}_knee'])
        J[knee] = J[hip] + L['thigh'] * thigh
        J[ankle] = J[knee] + L['shin'] * shin
    # upper body: lean forward, bend sideways, twist about the spine
    torso = rot_x(a['lean']) @ rot_z(a['side']) @ rot_y(a['twist'])
    J[7] = torso @ (L['spine'] * UP)
    J[8] = J[7] + torso @ (L['neck'] * UP)
    head = torso @ rot_y(a['head_yaw']) @ rot_x(a['head_flex'])
    J[9] = J[8] + head @ (L['head'] * UP)
    for side, sh, el, wr in ((1.0, 13, 14, 15), (-1.0, 12, 11, 10)):
        s = 'l' if side > 0 else 'r'
        J[sh] = J[8] + torso @ (L['shoulder'] * np.array([side * 0.98, 0.2, 0.0]))
        upper = limb_direction(a[f'{s}_sh_flex'], a[f'{s}_sh_abd'], side)
        fwd = max(0.0, float(np.dot(upper, FRONT)))
        towards = FRONT * (1 - fwd) + UP * fwd - 0.3 * side * LEFT
        fore = bend(upper, towards, a[f'{s}_elbow'])
        J[el] = J[sh] + torso @ (L['upper_arm'] * upper)
        J[wr] = J[el] + torso @ (L['forearm'] * fore)
    return Pose(J, head @ FRONT, head @ UP, FRONT.copy(), activity)


def global_rotation(rng: np.random.Generator, pitch_std: float, roll_std: float) -> np.ndarray:
    """Yaw uniform over 360 degrees, then a small pitch (camera elevation) and roll."""
    yaw = rng.uniform(0, 360)
    pitch = float(np.clip(rng.normal(0, pitch_std), -3 * pitch_std, 3 * pitch_std))
    roll = float(np.clip(rng.normal(0, roll_std), -3 * roll_std, 3 * roll_std))
    return rot_z(roll) @ rot_x(pitch) @ rot_y(yaw)
