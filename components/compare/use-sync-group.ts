"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/** Past this the follower jumps to the leader; below it, it is nudged faster or slower until it catches up. */
const SEEK_DRIFT_S = 0.15;
/** Drift worth correcting (a frame or two). */
const NUDGE_DRIFT_S = 0.05;
/** Back to the leader's own rate once this close. */
const SETTLED_S = 0.03;
/** The largest nudge: a follower runs at most this much faster or slower than the leader. */
const NUDGE = 0.3;
const HAVE_FUTURE_DATA = 3;

function muteAllBut(videos: Map<string, HTMLVideoElement>, key: string | null) {
  for (const [k, v] of videos) v.muted = k !== key;
}

export interface SyncGroup {
  playing: boolean;
  /** The leader's time, for the shared seek bar. */
  time: number;
  /** The longest clip's length: the group's timeline. */
  duration: number;
  toggle(): void;
  play(): void;
  pause(): void;
  seek(t: number): void;
  /** A ref callback for the video of `key`. */
  register(key: string): (el: HTMLVideoElement | null) => void;
  /** The one video that plays its sound (null: all muted). */
  setSoundFrom(key: string | null): void;
}

/**
 * Any number of videos played as one: one play/pause, one seek bar, one sound. The longest clip leads; each
 * follower is corrected against the leader's `currentTime` on every animation frame, by a small playbackRate nudge
 * for a small drift and a seek for a large one, so the group stays within a frame or two without stuttering. A
 * clip shorter than the leader holds its last frame once it ends.
 */
export function useSyncGroup(initialSound: string | null = null): SyncGroup {
  const videos = useRef(new Map<string, HTMLVideoElement>());
  const refs = useRef(new Map<string, (el: HTMLVideoElement | null) => void>());
  const sound = useRef<string | null>(initialSound);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);

  const all = () => [...videos.current.values()];
  const longest = () =>
    all().reduce<HTMLVideoElement | null>(
      (a, v) => (!a || (v.duration || 0) > (a.duration || 0) ? v : a),
      null,
    );
  // The clip whose sound is heard leads while it runs: its clock is the audio's, and nudging or seeking it would
  // be heard. Otherwise (muted, or it has ended) the longest clip leads.
  const leader = () => {
    const heard = sound.current ? videos.current.get(sound.current) : undefined;
    const long = longest();
    if (heard && long && !heard.ended && heard.currentTime < (heard.duration || 0) - 0.05) return heard;
    return long;
  };
  const measure = useCallback(
    () => setDuration(Math.max(0, ...[...videos.current.values()].map((v) => v.duration || 0))),
    [],
  );
  const applySound = useCallback(() => muteAllBut(videos.current, sound.current), []);

  const register = useCallback(
    (key: string) => {
      let ref = refs.current.get(key);
      if (!ref) {
        ref = (el: HTMLVideoElement | null) => {
          const old = videos.current.get(key);
          if (old && old !== el) old.removeEventListener("loadedmetadata", measure);
          if (!el) {
            videos.current.delete(key);
            return;
          }
          videos.current.set(key, el);
          el.muted = key !== sound.current;
          el.addEventListener("loadedmetadata", measure);
          // Metadata can arrive before the listener is attached.
          if (el.readyState >= 1) measure();
        };
        refs.current.set(key, ref);
      }
      return ref;
    },
    [measure],
  );

  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    let shown = -1;
    // The leader paused by this loop (not by the person) while a follower waits for data.
    let held = false;
    const tick = () => {
      const lead = leader();
      if (lead) {
        const t = lead.currentTime;
        // The seek bar moves in visible steps, not on every frame.
        if (Math.abs(t - shown) >= 0.05) {
          shown = t;
          setTime(t);
        }
        const rate = lead.playbackRate || 1;
        // The leader is waiting for data (or seeking): the others wait with it rather than run ahead.
        const leadStalled = lead.seeking || (!lead.ended && lead.readyState < HAVE_FUTURE_DATA);
        // A follower waiting for data (on a slow link or a busy machine) holds the group the same way: the leader
        // and the others pause until it can play, instead of running ahead of it. The waiting one keeps playing,
        // so it keeps loading.
        const stalled = all().filter(
          (v) =>
            v !== lead &&
            !v.ended &&
            // One that can't load at all (an error, no source) never holds the others.
            !v.error &&
            v.networkState !== HTMLMediaElement.NETWORK_NO_SOURCE &&
            t < (v.duration || 0) - 0.05 &&
            (v.seeking || v.readyState < HAVE_FUTURE_DATA),
        );
        if (stalled.length > 0 && !leadStalled) {
          if (!lead.paused) {
            lead.pause();
            held = true;
          }
        } else if (held && stalled.length === 0) {
          held = false;
          void lead.play().catch(() => undefined);
        }
        for (const v of all()) {
          if (v === lead) continue;
          if (leadStalled || (held && !stalled.includes(v))) {
            if (!v.paused) v.pause();
            continue;
          }
          if (held) continue;
          const end = v.duration || 0;
          if (t >= end - 0.05) continue; // held on its last frame
          const drift = v.currentTime - t;
          if (Math.abs(drift) > SEEK_DRIFT_S) {
            v.currentTime = t;
            v.playbackRate = rate;
          } else if (Math.abs(drift) > NUDGE_DRIFT_S) {
            // In proportion to the drift: 0.1 s behind runs 20 % faster.
            v.playbackRate = rate * (1 - Math.max(-NUDGE, Math.min(NUDGE, drift * 2)));
          } else if (Math.abs(drift) < SETTLED_S && v.playbackRate !== rate) {
            v.playbackRate = rate;
          }
          if (v.paused && !lead.paused) {
            // Back from waiting. It paused on the same tick as the leader, so it is already on the leader's frame
            // (a larger drift was sought above): no seek here, since a seek makes it wait for data again, which
            // would hold the group again, and on a busy machine the group would do little but hold.
            v.playbackRate = rate;
            void v.play().catch(() => undefined);
          }
        }
        const long = longest();
        if (long?.ended) {
          setTime(long.duration || t);
          setPlaying(false);
        }
      }
    };
    const onFrame = () => {
      tick();
      frame = requestAnimationFrame(onFrame);
    };
    frame = requestAnimationFrame(onFrame);
    // Frames can be skipped on a busy machine (or in a background tab) while timers still run: check on a timer too.
    const timer = setInterval(tick, 50);
    return () => {
      cancelAnimationFrame(frame);
      clearInterval(timer);
    };
    // all/leader read refs only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [playing]);

  const seek = useCallback((t: number) => {
    for (const v of videos.current.values()) v.currentTime = Math.min(t, v.duration || 0);
    setTime(t);
  }, []);

  const pause = useCallback(() => {
    for (const v of videos.current.values()) v.pause();
    const lead = leader();
    if (lead) setTime(lead.currentTime);
    setPlaying(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const play = useCallback(() => {
    const long = longest();
    if (long && (long.ended || long.currentTime >= (long.duration || 0) - 0.05)) seek(0);
    const lead = leader();
    const t = lead?.currentTime ?? 0;
    for (const v of videos.current.values()) {
      // Everyone starts from the leader's frame, at the leader's rate.
      if (lead && v !== lead && t < (v.duration || 0)) v.currentTime = t;
      if (lead) v.playbackRate = lead.playbackRate || 1;
      if (v.currentTime < (v.duration || 0) - 0.05) void v.play().catch(() => undefined);
    }
    setPlaying(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seek]);

  const setSoundFrom = useCallback(
    (key: string | null) => {
      sound.current = key;
      applySound();
    },
    [applySound],
  );

  return {
    playing,
    time,
    duration,
    toggle: () => (playing ? pause() : play()),
    play,
    pause,
    seek,
    register,
    setSoundFrom,
  };
}
