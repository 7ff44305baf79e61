"""The compiled Gibbs sampler of the latent-class model (LCMCR).

The sampler of Manrique-Vallier (2016), step for step in the order of the R
package LCMCR (``CNPLCM_CR_Basic_Freq::Update``): the classes of the
observed people, the list inclusion probabilities lambda, the stick-breaking
class weights nu, the number of people on no list and their classes, and
the concentration alpha of the Dirichlet process.

People with the same capture pattern have the same class probabilities, so
the sampler works on distinct patterns, never on people: the classes of the
``n`` people with one pattern are one multinomial draw. A pattern is stored
as the lists it is on (most people are on few of many lists), and its
weight in class k is

    nu_k * P(on no list | k) * prod over the lists it is on of lambda_jk / (1 - lambda_jk),

so an iteration costs classes x (lists + lists on each pattern), not
classes x lists x patterns.

Classes whose weight is below 2**-64 of another class's for every pattern
are left out of the observed people's draws. This happens all the time:
the prior on alpha favours few classes, and the weights of the unused ones
fall to exp(-1000) and below. A probability that small is below the
resolution of the draws themselves (a uniform draw has 53 bits), so
leaving those classes out changes nothing that double precision can
represent, while it keeps the products in range and the work in
proportion to the classes in use. Where products still under- or
overflow, the weights are taken in logarithms instead.

The functions take a ``numpy.random.Generator``: each chain owns its
stream, so a seed gives the same draws whether chains run one after the
other or side by side, and ``nogil`` lets them run on separate cores. The
chain state lives in arrays the caller keeps (``ChainState`` in
``lcmcr``), so a chain can run in blocks of iterations, with a progress
report or a cancellation between blocks, and give the same draws as in
one go.

On-disk cache of the compiled code: only when the operator names a cache
directory with numba's own ``NUMBA_CACHE_DIR``. Numba's cache index and
compiled code are unpickled when loaded, so whoever can write to the cache
directory can run code inside every process that loads it. Numba's default
places (``__pycache__`` beside this file, then the user's home cache) are
not chosen by anyone and may be shared; a directory the operator names and
keeps private to the service account (not under the data or upload folder)
holds no more power than the account's own code. Without a cache each
process compiles the sampler once, about 12 s on a 2-core server: small
beside a production run (a minute or two) or a long-lived worker, but
felt by each command-line invocation. With one, a later process imports
and loads it in 2 to 3 s (bench/lcmcr_speed.py measures both).
"""

from __future__ import annotations

import math

import numpy as np
from numba import config, njit

CACHE = bool(getattr(config, "CACHE_DIR", ""))

# Up to this many people, a pattern's classes are drawn person by person (one
# uniform each); above it, as binomials, whose cost does not grow with n.
PERSON_BY_PERSON = 24
# Pattern weights outside these bounds are recomputed in logarithms.
TINY, HUGE = 1e-280, 1e280
# exp() of anything below this is zero or subnormal in double precision.
LOG_TINY = -700.0
# A class is left out of a step where its weight is below 2**-64 of another's.
NEGLIGIBLE = 64.0 * math.log(2.0)
# Beyond this mean the number of people on no list cannot be drawn as an integer.
MISSING_LIMIT = 1e15
# As LCMCR (sam_n0), the number of people on no list is at most this many
# times the number observed: a draw above it is drawn again.
MISSING_CAP = 20
# Draws above the cap tried before the capped distribution is drawn from by inversion.
CAP_TRIES = 1000
# log k! for small k, where the binomial sampler's rejection step looks it up.
LOG_FACTORIAL = np.array([math.lgamma(k + 1.0) for k in range(1024)])
HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


@njit(cache=CACHE)
def log_factorial(k: int) -> float:
    """log k!: from a table below 1024, else Stirling's series (error below 1e-16 there)."""
    if k < 1024:
        return float(LOG_FACTORIAL[k])
    x = k + 1.0
    square = x * x
    tail = (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / square) / square) / x
    return (x - 0.5) * math.log(x) - x + HALF_LOG_2PI + tail


@njit(cache=CACHE)
def binomial_small(rng: np.random.Generator, n: int, p: float) -> int:
    """Binomial(n, p) for p <= 1/2: inversion below a mean of 10, else Hormann's BTRS.

    Hormann (1993), "The generation of binomial random variates", J. Stat.
    Comput. Simul. 46: transformed rejection with a squeeze, as TensorFlow
    and JAX draw binomials. numba's own binomial (NumPy's BTPE) redoes a
    long set-up at every call; the sampler makes one call per class and
    pattern, with a new n and p each time, where BTRS costs about half.
    """
    q = 1.0 - p
    mean = n * p
    if mean < 10.0:
        ratio = p / q
        scale = (n + 1) * ratio
        first = math.exp(n * math.log1p(-p))
        while True:
            u = rng.random()
            x = 0
            term = first
            while u > term:
                u -= term
                x += 1
                if x > n:
                    break
                term *= scale / x - ratio
                if not term > 0.0:
                    break
            if x <= n and u <= term:
                return x
            # Rounding left u beyond the total mass of 0..n: draw again.
    spread = math.sqrt(mean * q)
    b = 1.15 + 2.53 * spread
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = mean + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spread
    mode = math.floor((n + 1) * p)
    log_odds = math.nan
    log_mode = 0.0
    while True:
        u = rng.random() - 0.5
        v = rng.random()
        us = 0.5 - abs(u)
        draw = math.floor((2.0 * a / us + b) * u + c) if us > 0.0 else -1.0
        if not 0.0 <= draw <= n:
            continue
        k = int(draw)
        if us >= 0.07 and v <= v_r:
            return k
        if log_odds != log_odds:
            log_odds = math.log(p / q)
            log_mode = log_factorial(mode) + log_factorial(n - mode)
        v = math.log(v * alpha / (a / (us * us) + b))
        if v <= log_mode - log_factorial(k) - log_factorial(n - k) + (k - mode) * log_odds:
            return k


@njit(cache=CACHE)
def binomial(rng: np.random.Generator, n: int, p: float) -> int:
    """Binomial(n, p), any p in [0, 1]."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if p > 0.5:
        return n - binomial_small(rng, n, 1.0 - p)
    return binomial_small(rng, n, p)


@njit(cache=CACHE)
def multinomial(
    rng: np.random.Generator,
    n: int,
    weights: np.ndarray,
    size: int,
    total: float,
    order: np.ndarray,
    tail: np.ndarray,
    out: np.ndarray,
) -> None:
    """n people into classes 0..size-1 with probabilities weights / total.

    Few people are drawn one by one. Many are drawn as binomials, the
    largest class first, so that the people run out after the classes that
    matter; the remaining mass is summed from the smallest class up, not
    found by subtraction, to keep the small classes' probabilities exact.
    """
    for i in range(size):
        out[i] = 0
    if size == 1:
        out[0] = n
        return
    if n <= PERSON_BY_PERSON:
        last = size - 1
        while last > 0 and weights[last] <= 0.0:
            last -= 1
        for _ in range(n):
            u = rng.random() * total
            chosen = last
            running = 0.0
            for i in range(last):
                running += weights[i]
                if u < running:
                    chosen = i
                    break
            out[chosen] += 1
        return
    for i in range(size):
        order[i] = i
    for i in range(1, size):
        k = order[i]
        at = i
        while at > 0 and weights[order[at - 1]] < weights[k]:
            order[at] = order[at - 1]
            at -= 1
        order[at] = k
    mass = 0.0
    for i in range(size - 1, -1, -1):
        mass += weights[order[i]]
        tail[i] = mass
    left = n
    for i in range(size - 1):
        k = order[i]
        p = weights[k] / tail[i]
        if p >= 1.0:
            drawn = left
        elif p > 0.5:
            drawn = left - binomial_small(rng, left, 1.0 - p)
        else:
            drawn = binomial_small(rng, left, p) if p > 0.0 else 0
        out[k] = drawn
        left -= drawn
        if left == 0:
            return
    out[order[size - 1]] += left


@njit(cache=CACHE)
def positive_gamma(rng: np.random.Generator, x: float, shape: float) -> float:
    """x, or if it is zero a new Gamma(shape, 1) draw that is not.

    An exact zero has probability 2**-53 or so per draw; it would make a
    lambda 0 or 1, a state of probability zero that no later step leaves.
    """
    while x == 0.0:
        x = rng.standard_gamma(shape)
    return x


@njit(cache=CACHE)
def log_gamma(rng: np.random.Generator, shape: float) -> float:
    """log of a Gamma(shape, 1) draw, accurate for small shapes.

    Stick-breaking weights with a small concentration need Gamma draws with
    shapes far below 1, which underflow to zero; drawing G(shape + 1) * U**(1/shape)
    in logarithms does not.
    """
    if shape < 1.0:
        x = positive_gamma(rng, rng.standard_gamma(shape + 1.0), shape + 1.0)
        return math.log(x) + math.log(1.0 - rng.random()) / shape
    return math.log(positive_gamma(rng, rng.standard_gamma(shape), shape))


@njit(cache=CACHE)
def class_scale(
    log_nu: np.ndarray, log_zero: np.ndarray, base: np.ndarray, log_base: np.ndarray
) -> float:
    """base[k] = nu_k * P(on no list | k), scaled so the largest is 1; returns the log scale."""
    classes = log_nu.shape[0]
    top = log_nu[0] + log_zero[0]
    for k in range(1, classes):
        top = max(top, log_nu[k] + log_zero[k])
    for k in range(classes):
        log_base[k] = log_nu[k] + log_zero[k] - top
        base[k] = math.exp(log_base[k])
    return top


@njit(cache=CACHE)
def live_classes(ratio: np.ndarray, log_base: np.ndarray, live: np.ndarray) -> int:
    """The classes that can matter to an observed pattern; returns how many (live[:n]).

    For every pattern, class k's weight lies between base_k times the
    product over all lists of min(1, lambda / (1 - lambda)) and base_k
    times that of max(1, ...). A class whose upper bound is below 2**-64
    of another class's lower bound is negligible everywhere.
    """
    lists, classes = ratio.shape
    best = -math.inf
    for k in range(classes):
        low = 1.0
        for j in range(lists):
            low *= min(1.0, ratio[j, k])
        if low > TINY:
            log_low = math.log(low)
        else:
            log_low = 0.0
            for j in range(lists):
                log_low += min(0.0, math.log(ratio[j, k]))
        best = max(best, log_base[k] + log_low)
    count = 0
    for k in range(classes):
        high = 1.0
        for j in range(lists):
            high *= max(1.0, ratio[j, k])
        if high < HUGE:
            log_high = math.log(high)
        else:
            log_high = 0.0
            for j in range(lists):
                log_high += max(0.0, math.log(ratio[j, k]))
        if log_base[k] + log_high >= best - NEGLIGIBLE:
            live[count] = k
            count += 1
    return count


@njit(cache=CACHE)
def pattern_weights(
    m: int,
    on_lists: np.ndarray,
    on_start: np.ndarray,
    count: int,
    base: np.ndarray,
    log_base: np.ndarray,
    ratio: np.ndarray,
    careful: bool,
    out: np.ndarray,
) -> float:
    """Weights of the first ``count`` classes for pattern m (proportional to P(class | pattern)).

    Returns their sum. With ``careful`` (a base weight out of range) or a
    sum out of range, the weights are recomputed in logarithms, the largest
    scaled to 1.
    """
    if not careful:
        for i in range(count):
            out[i] = base[i]
        for at in range(on_start[m], on_start[m + 1]):
            j = on_lists[at]
            for i in range(count):
                out[i] *= ratio[j, i]
        total = 0.0
        for i in range(count):
            total += out[i]
        if TINY < total < HUGE:
            return total
    top = -math.inf
    for i in range(count):
        value = log_base[i]
        for at in range(on_start[m], on_start[m + 1]):
            value += math.log(ratio[on_lists[at], i])
        out[i] = value
        top = max(top, value)
    total = 0.0
    for i in range(count):
        out[i] = math.exp(out[i] - top)
        total += out[i]
    return total


@njit(cache=CACHE)
def draw_observed(
    rng: np.random.Generator,
    on_lists: np.ndarray,
    on_start: np.ndarray,
    freq: np.ndarray,
    ratio: np.ndarray,
    base: np.ndarray,
    log_base: np.ndarray,
    work: np.ndarray,
    counts: np.ndarray,
    on_list: np.ndarray,
    held: np.ndarray,
) -> None:
    """The observed people's classes, tallied by list and class (on_list) and by class (held).

    The classes that take part are copied side by side first, so that the
    loops over patterns run over contiguous memory; ``work`` and ``counts``
    are room for that, (lists + 4) x classes each.
    """
    lists = ratio.shape[0]
    live = counts[0]
    count = live_classes(ratio, log_base, live)
    part_ratio = work[:lists]
    part_base = work[lists]
    part_log_base = work[lists + 1]
    weights = work[lists + 2]
    tail = work[lists + 3]
    part_on_list = counts[4:]
    part_held = counts[1]
    drawn = counts[2]
    order = counts[3]
    for i in range(count):
        part_held[i] = 0
        for j in range(lists):
            part_on_list[j, i] = 0
    careful = False
    for i in range(count):
        k = live[i]
        part_base[i] = base[k]
        part_log_base[i] = log_base[k]
        careful = careful or log_base[k] < LOG_TINY
        for j in range(lists):
            part_ratio[j, i] = ratio[j, k]
    for m in range(freq.shape[0]):
        total = pattern_weights(
            m, on_lists, on_start, count, part_base, part_log_base, part_ratio, careful, weights
        )
        multinomial(rng, freq[m], weights, count, total, order, tail, drawn)
        for i in range(count):
            part_held[i] += drawn[i]
        for at in range(on_start[m], on_start[m + 1]):
            j = on_lists[at]
            for i in range(count):
                part_on_list[j, i] += drawn[i]
    on_list[:] = 0
    held[:] = 0
    for i in range(count):
        k = live[i]
        held[k] = part_held[i]
        for j in range(lists):
            on_list[j, k] = part_on_list[j, i]


@njit(cache=CACHE)
def draw_inclusion(
    rng: np.random.Generator,
    on_list: np.ndarray,
    in_class: np.ndarray,
    ratio: np.ndarray,
    log_zero: np.ndarray,
    seen: np.ndarray,
) -> None:
    """lambda_jk ~ Beta(1 + on the list, 1 + off it), drawn as X / (X + Y).

    Keeps lambda / (1 - lambda) = X / Y and, per class, log P(on no list)
    and P(on some list). Where the product of 1 - lambda is subnormal or
    close to 1, they come from sums of logarithms, as 1 - product would
    lose the digits that the number missing depends on.
    """
    lists, classes = ratio.shape
    for k in range(classes):
        product = 1.0
        if in_class[k] == 0:
            # Beta(1, 1) is uniform: one draw instead of two.
            for j in range(lists):
                u = rng.random()
                while u == 0.0:
                    u = rng.random()
                ratio[j, k] = u / (1.0 - u)
                product *= 1.0 - u
        else:
            for j in range(lists):
                x = rng.standard_gamma(1.0 + on_list[j, k])
                y = rng.standard_gamma(1.0 + in_class[k] - on_list[j, k])
                if x == 0.0 or y == 0.0:
                    x = positive_gamma(rng, x, 1.0 + on_list[j, k])
                    y = positive_gamma(rng, y, 1.0 + in_class[k] - on_list[j, k])
                ratio[j, k] = x / y
                product *= y / (x + y)
        if TINY < product < 0.99:
            log_zero[k] = math.log(product)
            seen[k] = 1.0 - product
        else:
            total = 0.0
            for j in range(lists):
                total -= math.log1p(ratio[j, k])
            log_zero[k] = total
            seen[k] = -math.expm1(total)


@njit(cache=CACHE)
def draw_weights(
    rng: np.random.Generator, in_class: np.ndarray, alpha: float, log_nu: np.ndarray
) -> None:
    """Truncated stick-breaking weights, V_k ~ Beta(1 + n_k, alpha + n_{>k}), in logarithms."""
    classes = in_class.shape[0]
    later = 0
    for k in range(classes):
        later += in_class[k]
    broken = 0.0
    for k in range(classes - 1):
        later -= in_class[k]
        g_here = log_gamma(rng, 1.0 + in_class[k])
        g_rest = log_gamma(rng, alpha + later)
        top = max(g_here, g_rest)
        both = top + math.log(math.exp(g_here - top) + math.exp(g_rest - top))
        log_nu[k] = g_here - both + broken
        broken += g_rest - both
    log_nu[classes - 1] = broken


@njit(cache=CACHE)
def draw_concentration(
    rng: np.random.Generator, log_nu: np.ndarray, a_alpha: float, b_alpha: float
) -> float:
    """alpha ~ Gamma(a + K - 1, rate b - log nu_K), nu_K being the last weight."""
    shape = a_alpha + log_nu.shape[0] - 1.0
    return positive_gamma(rng, rng.standard_gamma(shape), shape) / (b_alpha - log_nu[-1])


@njit(cache=CACHE)
def draw_missing(rng: np.random.Generator, observed: int, p_zero: float, p_seen: float) -> int:
    """The number of people on no list, as LCMCR draws it (``sam_n0``).

    With p(N) proportional to 1/N it is negative binomial: failures before
    ``observed`` successes of probability P(on some list), drawn as its
    Gamma-Poisson mixture, and drawn again while above MISSING_CAP times
    the number observed. So the posterior is that of a prior 1/N up to
    21 times the number observed; without the cap a class that no list
    reaches can soak up ever more people, and the chain drifts upwards for
    hundreds of thousands of iterations. After CAP_TRIES draws above the
    cap, the capped distribution is drawn from by inversion (the same
    distribution, at a cost that grows with the cap).
    """
    if not p_seen > 0.0:
        raise ValueError("the chain reached a state in which no one can be listed")
    if not p_zero > 0.0:
        return 0
    cap = MISSING_CAP * observed
    odds = p_zero / p_seen
    for _ in range(CAP_TRIES):
        mean = rng.standard_gamma(float(observed)) * odds
        if mean < MISSING_LIMIT:
            n0 = rng.poisson(mean)
            if n0 <= cap:
                return n0
    # log P(n0 = k) up to a constant: lgamma(observed + k) - lgamma(k + 1) + k log p0.
    log_p0 = math.log(p_zero / (p_zero + p_seen))
    top = -math.inf
    for k in range(cap + 1):
        value = math.lgamma(observed + k) - math.lgamma(k + 1.0) + k * log_p0
        top = max(top, value)
    total = 0.0
    for k in range(cap + 1):
        total += math.exp(math.lgamma(observed + k) - math.lgamma(k + 1.0) + k * log_p0 - top)
    u = rng.random() * total
    for k in range(cap + 1):
        u -= math.exp(math.lgamma(observed + k) - math.lgamma(k + 1.0) + k * log_p0 - top)
        if u <= 0.0:
            return k
    return cap


@njit(cache=CACHE)
def expected_spread(ratio: np.ndarray, log_nu: np.ndarray, total: int, out: np.ndarray) -> None:
    """``out[r - 1]``: the people of ``total`` the model expects on exactly r
    lists, r = 1 to the number of lists: for each class the chance of r
    lists (a Poisson-binomial, built list by list), weighed by the class's
    weight. Classes of negligible weight are left out."""
    lists, classes = ratio.shape
    chance = np.zeros(lists + 1)
    out[:] = 0.0
    for k in range(classes):
        if log_nu[k] < LOG_TINY:
            continue
        chance[:] = 0.0
        chance[0] = 1.0
        for j in range(lists):
            on = ratio[j, k] / (1.0 + ratio[j, k])
            for r in range(j + 1, 0, -1):
                chance[r] = chance[r] * (1.0 - on) + chance[r - 1] * on
            chance[0] *= 1.0 - on
        weight = total * math.exp(log_nu[k])
        for r in range(1, lists + 1):
            out[r - 1] += weight * chance[r]


@njit(cache=CACHE)
def reorder_classes(
    log_nu: np.ndarray,
    log_zero: np.ndarray,
    seen: np.ndarray,
    ratio: np.ndarray,
    missing: np.ndarray,
) -> None:
    """Put the classes in order of decreasing weight, as LCMCR does after its warm-up."""
    classes = log_nu.shape[0]
    for new in range(classes - 1):
        old = new
        for k in range(new + 1, classes):
            if log_nu[k] > log_nu[old]:
                old = k
        log_nu[new], log_nu[old] = log_nu[old], log_nu[new]
        log_zero[new], log_zero[old] = log_zero[old], log_zero[new]
        seen[new], seen[old] = seen[old], seen[new]
        missing[new], missing[old] = missing[old], missing[new]
        for j in range(ratio.shape[0]):
            ratio[j, new], ratio[j, old] = ratio[j, old], ratio[j, new]


@njit(nogil=True, cache=CACHE)
def advance(
    rng: np.random.Generator,
    on_lists: np.ndarray,
    on_start: np.ndarray,
    freq: np.ndarray,
    ratio: np.ndarray,
    log_zero: np.ndarray,
    seen: np.ndarray,
    log_nu: np.ndarray,
    missing: np.ndarray,
    alpha: np.ndarray,
    a_alpha: float,
    b_alpha: float,
    first: int,
    last: int,
    warm_up: int,
    burn_in: int,
    thinning: int,
    totals: np.ndarray,
    alphas: np.ndarray,
    occupied: np.ndarray,
    last_weight: np.ndarray,
    spread: np.ndarray,
) -> None:
    """Iterations ``first`` to ``last - 1`` of a chain, from and back to its state.

    The state is lambda / (1 - lambda) with log P(on no list) and
    P(on some list) per class, the log class weights, the classes of the
    people on no list, and alpha (a one-element array). Iterations count
    from 0: ``warm_up`` with alpha held, as LCMCR's warm-up, after which
    the classes are put in order of decreasing weight; then ``burn_in``;
    then every ``thinning``-th iteration writes its N, alpha, number of
    classes in use and weight of the last class to the next place in the
    output arrays, and to ``spread`` the number of people the model expects
    on exactly 1, 2, ... lists (for the check of fit in ``lcmcr_fit``).
    """
    lists, classes = ratio.shape
    on_list = np.zeros((lists, classes), dtype=np.int64)
    in_class = np.zeros(classes, dtype=np.int64)
    held = np.zeros(classes, dtype=np.int64)  # observed people per class
    work = np.zeros((lists + 4, classes))
    counts = np.zeros((lists + 4, classes), dtype=np.int64)
    order = np.zeros(classes, dtype=np.int64)
    tail = np.zeros(classes)
    base = np.zeros(classes)
    log_base = np.zeros(classes)
    observed = 0
    for m in range(freq.shape[0]):
        observed += freq[m]
    scale = class_scale(log_nu, log_zero, base, log_base)

    for step in range(first, last):
        draw_observed(
            rng, on_lists, on_start, freq, ratio, base, log_base, work, counts, on_list, held
        )
        for k in range(classes):
            in_class[k] = held[k] + missing[k]

        draw_inclusion(rng, on_list, in_class, ratio, log_zero, seen)
        draw_weights(rng, in_class, alpha[0], log_nu)

        # The people on no list (draw_missing); their classes are
        # multinomial with weights nu_k P(on no list | k).
        scale = class_scale(log_nu, log_zero, base, log_base)
        p_zero = 0.0
        p_seen = 0.0
        for k in range(classes):
            p_zero += base[k]
            p_seen += math.exp(log_nu[k]) * seen[k]
        if not p_seen > 0.0:
            raise ValueError("the chain reached a state in which no one can be listed")
        n0 = draw_missing(rng, observed, p_zero * math.exp(scale), p_seen)
        multinomial(rng, n0, base, classes, p_zero, order, tail, missing)

        if step < warm_up:
            if step == warm_up - 1:
                reorder_classes(log_nu, log_zero, seen, ratio, missing)
                scale = class_scale(log_nu, log_zero, base, log_base)
            continue
        alpha[0] = draw_concentration(rng, log_nu, a_alpha, b_alpha)
        done = step - warm_up - burn_in + 1
        if done > 0 and done % thinning == 0:
            i = done // thinning - 1
            totals[i] = observed + n0
            alphas[i] = alpha[0]
            last_weight[i] = math.exp(log_nu[classes - 1])
            filled = 0
            for k in range(classes):
                if held[k] > 0 or missing[k] > 0:
                    filled += 1
            occupied[i] = filled
            expected_spread(ratio, log_nu, observed + n0, spread[i])
