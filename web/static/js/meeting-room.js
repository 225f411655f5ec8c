// The meeting room client: two peer connections per participant (publish: we offer; subscribe: the relay offers),
// signaling over one WebSocket, and the room's shared state (participants, speakers list, agenda item) rendered
// into plain HTML. All visible text comes from the template's data-text-* attributes (gettext).

const root = document.getElementById("meeting-room");

if (root) {
  const textOr = (name, fallback) => root.dataset["text" + name.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())] || fallback;
  const text = (name) => textOr(name, name);
  // Visitors of the public stream only listen: no publishing, no hand, no microphone or camera choice.
  const listenOnly = root.dataset.role === "visitor";
  const $ = (id) => document.getElementById(id);
  const status = $("room-status");
  const buttons = {
    join: $("join-button"), leave: $("leave-button"), mute: $("mute-button"), camera: $("camera-button"), hand: $("hand-button"),
    share: $("share-button"), recording: $("recording-button"),
  };
  const room = {
    socket: null, publish: null, subscribe: null, stream: null, you: null, tracks: {}, state: null,
    muted: false, cameraOff: false, hand: false, leaving: false, retry: 0, iceServers: [],
    recording: null, screenStream: null, screenTransceiver: null,
  };
  window.councilRoom = room; // for tests and debugging: peer connections and state

  const announce = (message) => { status.textContent = message; };
  const send = (message) => {
    if (room.socket && room.socket.readyState === WebSocket.OPEN) room.socket.send(JSON.stringify(message));
  };
  const setJoined = (joined) => {
    room.joined = joined;
    buttons.join.disabled = joined;
    for (const name of ["leave", "mute", "camera", "hand", "share", "recording"]) if (buttons[name]) buttons[name].disabled = !joined;
  };

  async function listDevices() {
    if (listenOnly) return;
    try {
      const devices = await navigator.mediaDevices.enumerateDevices();
      for (const [kind, select] of [["audioinput", $("microphone")], ["videoinput", $("camera")]]) {
        for (const device of devices.filter((d) => d.kind === kind && d.deviceId)) {
          const option = document.createElement("option");
          option.value = device.deviceId;
          option.textContent = device.label || device.deviceId.slice(0, 8);
          select.append(option);
        }
      }
    } catch (error) { /* no devices: listening only */ }
  }

  async function getMedia() {
    const mic = $("microphone").value;
    const cam = $("camera").value;
    const constraints = { audio: mic ? { deviceId: { exact: mic } } : true, video: cam === "off" ? false : (cam ? { deviceId: { exact: cam } } : { width: 640, height: 360 }) };
    try { return await navigator.mediaDevices.getUserMedia(constraints); } catch (error) { return new MediaStream(); }
  }

  function newConnection(name) {
    const pc = new RTCPeerConnection({ iceServers: room.iceServers, bundlePolicy: "max-bundle" });
    pc.addEventListener("icecandidate", (event) => {
      if (event.candidate) send({ type: "candidate", connection: name, candidate: event.candidate.candidate, sdpMid: event.candidate.sdpMid });
    });
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "failed" && !room.leaving) announce(text("reconnecting"));
    });
    return pc;
  }

  async function startPublishing() {
    room.publish = newConnection("publish");
    room.stream = await getMedia();
    for (const track of room.stream.getTracks()) room.publish.addTransceiver(track, { direction: "sendonly" });
    if (!room.stream.getAudioTracks().length) room.publish.addTransceiver("audio", { direction: "sendonly" });
    await room.publish.setLocalDescription(await room.publish.createOffer());
    send({ type: "offer", sdp: room.publish.localDescription.sdp });
  }

  async function onSubscribeOffer(message) {
    if (!room.subscribe) {
      room.subscribe = newConnection("subscribe");
      room.subscribe.addEventListener("track", (event) => attachTrack(event.transceiver.mid, event.track));
    }
    room.tracks = Object.fromEntries(message.tracks.map((t) => [t.mid, t]));
    await room.subscribe.setRemoteDescription({ type: "offer", sdp: message.sdp });
    await room.subscribe.setLocalDescription(await room.subscribe.createAnswer());
    send({ type: "answer", sdp: room.subscribe.localDescription.sdp });
    labelMedia();
  }

  function attachTrack(mid, track) {
    const video = track.kind === "video";
    const element = document.createElement(video ? "video" : "audio");
    element.autoplay = true;
    element.playsInline = true;
    element.dataset.mid = mid;
    element.srcObject = new MediaStream([track]);
    (video ? $("videos") : $("audios")).append(element);
    labelMedia();
  }

  function nameOf(id) {
    const person = room.state && room.state.participants.find((p) => p.id === id);
    return person ? person.name : "";
  }

  function labelMedia() {
    for (const element of document.querySelectorAll("#videos video, #screen video, #audios audio")) {
      const info = room.tracks[element.dataset.mid];
      const screen = Boolean(info && info.screen);
      if (element.tagName === "VIDEO") {
        // The shared screen is shown apart from the cameras, and larger.
        const place = screen ? $("screen") : $("videos");
        if (element.parentElement !== place) place.append(element);
      }
      const name = info && info.source ? nameOf(info.source) : "";
      element.setAttribute("aria-label", screen && name ? text("screen-of") + " " + name : name);
    }
  }

  // --- recording and screen sharing -----------------------------------------------------------------------------

  function renderRecording(state) {
    const on = Boolean(state.recording);
    $("recording-indicator").textContent = on ? text("recording-on") : "";
    if (buttons.recording) {
      buttons.recording.textContent = text(on ? "stop-recording" : "start-recording");
      buttons.recording.setAttribute("aria-pressed", String(on));
    }
    // Everyone is told: on arrival when a recording runs, and whenever it starts or stops.
    if (room.recording === null ? on : room.recording !== on) announce(text(on ? "recording-notice" : "recording-stopped"));
    room.recording = on;
  }

  function renderScreen(state) {
    $("screen-share").hidden = !state.screen || state.screen === room.you;
    $("screen-caption").textContent = state.screen ? nameOf(state.screen) + " " + text("sharing") : "";
  }

  async function startSharing() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (error) { announce(text("share-failed")); return; }
    const track = stream.getVideoTracks()[0];
    if (!track || !room.publish) { stream.getTracks().forEach((t) => t.stop()); return; }
    room.screenStream = stream;
    track.addEventListener("ended", () => stopSharing(true)); // stopped from the browser's own bar
    buttons.share.setAttribute("aria-pressed", "true");
    buttons.share.textContent = text("stop-sharing");
    if (room.screenTransceiver) {
      // The relay knows this track already: the new picture only has to be announced again.
      await room.screenTransceiver.sender.replaceTrack(track);
      send({ type: "share", active: true, mid: room.screenTransceiver.mid });
      return;
    }
    room.screenTransceiver = room.publish.addTransceiver(track, { direction: "sendonly" });
    await room.publish.setLocalDescription(await room.publish.createOffer());
    // Announced before the offer, so the relay takes the new video track for the screen, not a camera.
    send({ type: "share", active: true, mid: room.screenTransceiver.mid });
    send({ type: "offer", sdp: room.publish.localDescription.sdp });
  }

  function stopSharing(tell) {
    if (!room.screenStream) return;
    room.screenStream.getTracks().forEach((t) => t.stop());
    room.screenStream = null;
    if (room.screenTransceiver) room.screenTransceiver.sender.replaceTrack(null);
    buttons.share.setAttribute("aria-pressed", "false");
    buttons.share.textContent = text("share");
    if (tell) send({ type: "share", active: false });
  }

  function onError(message) {
    if (message.code === "recording_not_allowed") { announce(text("recording-not-allowed")); return; }
    if (message.code === "screen_busy") { stopSharing(false); announce(text("screen-busy")); return; }
    announce(text("error") + ": " + textOr("error-" + String(message.code).replace(/_/g, "-"), message.message));
  }

  function renderState(state) {
    room.state = state;
    const people = $("participants");
    people.replaceChildren(...state.participants.map((p) => {
      const li = document.createElement("li");
      const flags = [p.hand ? text("hand") : "", p.muted.audio ? text("muted") : "", p.connected ? "" : text("away")].filter(Boolean);
      li.textContent = p.name + (flags.length ? " (" + flags.join(", ") + ")" : "");
      if (root.dataset.leads === "true" && p.id !== room.you) {
        for (const [action, label, extra] of [["mute_participant", "mute-participant", { kind: "audio" }], ["give_floor", "give-floor", {}], ["remove", "remove", {}]]) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = text(label);
          button.setAttribute("aria-label", text(label) + ": " + p.name);
          button.addEventListener("click", () => send({ type: action, target: p.id, ...extra }));
          li.append(" ", button);
        }
      }
      return li;
    }));
    $("speakers-list").replaceChildren(...state.speakers.map((id) => {
      const li = document.createElement("li");
      li.textContent = nameOf(id);
      return li;
    }));
    $("speaking").textContent = state.speaking ? nameOf(state.speaking) + " " + text("speaking") : "";
    $("current-item").textContent = !state.item ? text("no-item")
      : (state.item.public === false && !state.item.title ? text("non-public-item") : state.item.number + " " + state.item.title);
    const mine = state.participants.find((p) => p.id === room.you);
    room.hand = Boolean(mine && mine.hand);
    if (buttons.hand) buttons.hand.setAttribute("aria-pressed", String(room.hand));
    renderAccess(state);
    renderRecording(state);
    renderScreen(state);
    labelMedia();
  }

  // The lobby (leaders only) and the public stream's state.
  function renderAccess(state) {
    const lobby = $("lobby");
    if (lobby && state.lobby) {
      lobby.replaceChildren(...state.lobby.map((guest) => {
        const li = document.createElement("li");
        li.textContent = guest.name;
        for (const [action, label] of [["admit", "admit"], ["reject", "reject"]]) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = text(label);
          button.setAttribute("aria-label", text(label) + ": " + guest.name);
          button.addEventListener("click", () => send({ type: action, target: guest.id }));
          li.append(" ", button);
        }
        return li;
      }));
      $("lobby-empty").hidden = state.lobby.length > 0;
      const waiting = state.lobby.map((g) => g.id).join(",");
      if (state.lobby.length && waiting !== room.lobbyIds) announce(text("lobby-waiting") + " " + state.lobby.map((g) => g.name).join(", "));
      room.lobbyIds = waiting;
    }
    if (typeof state.stream === "boolean" && state.stream !== room.publicStream) {
      room.publicStream = state.stream;
      $("stream-state").textContent = (state.stream ? text("stream-on") + " " + text("listeners") + ": " + state.listeners : text("stream-off"));
      const toggle = $("stream-toggle");
      if (toggle) toggle.checked = state.stream;
    } else if (state.stream) {
      $("stream-state").textContent = text("stream-on") + " " + text("listeners") + ": " + state.listeners;
    }
  }

  async function onMessage(message) {
    switch (message.type) {
      case "welcome": room.you = message.you; renderState(message); send({ type: "join" }); break;
      case "joined":
        setJoined(true); room.retry = 0;
        if (message.listen_only || listenOnly) { announce(text("listening") + (room.recording ? " " + text("recording-notice") : "")); break; }
        announce(text("connected") + (room.recording ? " " + text("recording-notice") : "")); await startPublishing(); break;
      case "lobby": announce(text("lobby")); buttons.join.disabled = true; buttons.leave.disabled = false; break;
      case "held": closePeers(); setJoined(false); buttons.join.disabled = true; buttons.leave.disabled = false; announce(text("held")); break;
      case "answer": await room.publish.setRemoteDescription({ type: "answer", sdp: message.sdp }); break;
      case "offer": await onSubscribeOffer(message); break;
      case "tracks": room.tracks = Object.fromEntries(message.tracks.map((t) => [t.mid, t])); labelMedia(); break;
      case "state": renderState(message); break;
      case "muted_by_chair": setMuted(true, false); announce(text("muted-by-chair")); break;
      case "share_stopped": stopSharing(false); announce(text("share-stopped")); break;
      case "error":
        onError(message);
        if (message.about === "public_stream" && $("stream-toggle")) $("stream-toggle").checked = Boolean(room.publicStream);
        break;
      default: break;
    }
  }

  function closePeers() {
    stopSharing(false);
    room.screenTransceiver = null;
    for (const pc of [room.publish, room.subscribe]) if (pc) pc.close();
    room.publish = room.subscribe = null;
    if (room.stream) room.stream.getTracks().forEach((t) => t.stop());
    room.stream = null;
    $("videos").replaceChildren();
    $("screen").replaceChildren();
    $("audios").replaceChildren();
  }

  async function connect() {
    announce(text("connecting"));
    try {
      const response = await fetch(root.dataset.ice, { headers: { Accept: "application/json" } });
      if (response.ok) room.iceServers = (await response.json()).iceServers;
    } catch (error) { room.iceServers = []; }
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + root.dataset.ws);
    room.socket = socket;
    socket.addEventListener("message", (event) => onMessage(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      closePeers();
      setJoined(false);
      if (room.leaving || event.code === 1000) { announce(text("left")); return; }
      if (event.code === 4000) { announce(text("removed")); return; }
      const explained = textOr("close" + event.code, "");
      if (explained) { announce(explained); return; }
      if (event.code >= 4400 && event.code < 4500) { announce(text("refused") + " " + event.reason); return; }
      // A dropped connection comes back within the grace period and keeps the seat.
      announce(text("reconnecting"));
      room.retry += 1;
      if (room.retry <= 10) setTimeout(connect, Math.min(1000 * room.retry, 5000));
    });
  }

  function setMuted(muted, tell = true) {
    if (!buttons.mute) return;
    room.muted = muted;
    if (room.stream) room.stream.getAudioTracks().forEach((t) => { t.enabled = !muted; });
    buttons.mute.setAttribute("aria-pressed", String(muted));
    if (tell) send({ type: "mute", kind: "audio", muted });
  }

  buttons.join.addEventListener("click", () => { room.leaving = false; connect(); });
  buttons.leave.addEventListener("click", () => {
    room.leaving = true;
    // In the lobby or held from the stream there is no seat to leave: just hang up.
    if (room.joined) send({ type: "leave" });
    else if (room.socket) room.socket.close(1000, "left");
  });
  if (buttons.mute) buttons.mute.addEventListener("click", () => setMuted(!room.muted));
  if (buttons.camera) buttons.camera.addEventListener("click", () => {
    room.cameraOff = !room.cameraOff;
    if (room.stream) room.stream.getVideoTracks().forEach((t) => { t.enabled = !room.cameraOff; });
    buttons.camera.setAttribute("aria-pressed", String(room.cameraOff));
    send({ type: "mute", kind: "video", muted: room.cameraOff });
  });
  if (buttons.hand) buttons.hand.addEventListener("click", () => send({ type: "hand", raised: !room.hand }));
  if (buttons.share) buttons.share.addEventListener("click", () => (room.screenStream ? stopSharing(true) : startSharing()));
  if (buttons.recording) buttons.recording.addEventListener("click", () => send({ type: "recording", on: !room.recording }));
  const streamToggle = $("stream-toggle");
  if (streamToggle) streamToggle.addEventListener("change", () => send({ type: "public_stream", allowed: streamToggle.checked }));
  for (const button of document.querySelectorAll("[data-chair]")) {
    button.addEventListener("click", () => send({ type: button.dataset.chair }));
  }
  listDevices();
}
