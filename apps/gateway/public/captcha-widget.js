"use strict";
(() => {
  var __defProp = Object.defineProperty;
  var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
  var __publicField = (obj, key, value) => __defNormalProp(obj, typeof key !== "symbol" ? key + "" : key, value);

  // libs/auth/src/pow-solver.ts
  var K = new Uint32Array([
    1116352408,
    1899447441,
    3049323471,
    3921009573,
    961987163,
    1508970993,
    2453635748,
    2870763221,
    3624381080,
    310598401,
    607225278,
    1426881987,
    1925078388,
    2162078206,
    2614888103,
    3248222580,
    3835390401,
    4022224774,
    264347078,
    604807628,
    770255983,
    1249150122,
    1555081692,
    1996064986,
    2554220882,
    2821834349,
    2952996808,
    3210313671,
    3336571891,
    3584528711,
    113926993,
    338241895,
    666307205,
    773529912,
    1294757372,
    1396182291,
    1695183700,
    1986661051,
    2177026350,
    2456956037,
    2730485921,
    2820302411,
    3259730800,
    3345764771,
    3516065817,
    3600352804,
    4094571909,
    275423344,
    430227734,
    506948616,
    659060556,
    883997877,
    958139571,
    1322822218,
    1537002063,
    1747873779,
    1955562222,
    2024104815,
    2227730452,
    2361852424,
    2428436474,
    2756734187,
    3204031479,
    3329325298
  ]);
  var H0 = [1779033703, 3144134277, 1013904242, 2773480762, 1359893119, 2600822924, 528734635, 1541459225];
  function compress(state, block, w) {
    for (let i = 0; i < 16; i++) w[i] = block[i];
    for (let i = 16; i < 64; i++) {
      const a2 = w[i - 15];
      const b2 = w[i - 2];
      const s0 = (a2 >>> 7 | a2 << 25) ^ (a2 >>> 18 | a2 << 14) ^ a2 >>> 3;
      const s1 = (b2 >>> 17 | b2 << 15) ^ (b2 >>> 19 | b2 << 13) ^ b2 >>> 10;
      w[i] = w[i - 16] + s0 + w[i - 7] + s1 | 0;
    }
    let a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
    for (let i = 0; i < 64; i++) {
      const s1 = (e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7);
      const t1 = h + s1 + (e & f ^ ~e & g) + K[i] + w[i] | 0;
      const s0 = (a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10);
      const t2 = s0 + (a & b ^ a & c ^ b & c) | 0;
      h = g;
      g = f;
      f = e;
      e = d + t1 | 0;
      d = c;
      c = b;
      b = a;
      a = t1 + t2 | 0;
    }
    state[0] = state[0] + a | 0;
    state[1] = state[1] + b | 0;
    state[2] = state[2] + c | 0;
    state[3] = state[3] + d | 0;
    state[4] = state[4] + e | 0;
    state[5] = state[5] + f | 0;
    state[6] = state[6] + g | 0;
    state[7] = state[7] + h | 0;
  }
  function sha256HexAscii(text) {
    const bytes = new Uint8Array(text.length + 9 + 63 >> 6 << 6);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 255;
    bytes[text.length] = 128;
    const bits = text.length * 8;
    bytes[bytes.length - 4] = bits >>> 24 & 255;
    bytes[bytes.length - 3] = bits >>> 16 & 255;
    bytes[bytes.length - 2] = bits >>> 8 & 255;
    bytes[bytes.length - 1] = bits & 255;
    const state = new Uint32Array(H0);
    const block = new Uint32Array(16);
    const w = new Uint32Array(64);
    for (let offset = 0; offset < bytes.length; offset += 64) {
      for (let i = 0; i < 16; i++)
        block[i] = bytes[offset + 4 * i] << 24 | bytes[offset + 4 * i + 1] << 16 | bytes[offset + 4 * i + 2] << 8 | bytes[offset + 4 * i + 3];
      compress(state, block, w);
    }
    return Array.from(state, (x) => x.toString(16).padStart(8, "0")).join("");
  }
  function fillBlock(bytes, saltLength, n, digits, block) {
    let length = 0;
    let rest = n;
    do {
      digits[length++] = 48 + rest % 10;
      rest = Math.floor(rest / 10);
    } while (rest > 0);
    let p = saltLength;
    for (let i = length - 1; i >= 0; i--) bytes[p++] = digits[i];
    bytes[p++] = 128;
    while (p < 62) bytes[p++] = 0;
    const bits = (saltLength + length) * 8;
    bytes[62] = bits >>> 8;
    bytes[63] = bits & 255;
    for (let i = 0; i < 16; i++)
      block[i] = bytes[4 * i] << 24 | bytes[4 * i + 1] << 16 | bytes[4 * i + 2] << 8 | bytes[4 * i + 3];
  }
  function sameDigest(state, target) {
    return state[0] === target[0] && state[1] === target[1] && state[2] === target[2] && state[3] === target[3] && state[4] === target[4] && state[5] === target[5] && state[6] === target[6] && state[7] === target[7];
  }
  function solvePow(puzzle, start = 0, step = 1) {
    if (puzzle.algorithm !== "SHA-256" || !/^[0-9a-f]{64}$/.test(puzzle.challenge)) return null;
    const salt = puzzle.salt;
    const max = Math.floor(puzzle.maxnumber);
    if (salt.length + String(max).length > 55 || /[^\x00-\xff]/.test(salt)) {
      for (let n = start; n <= max; n += step) if (sha256HexAscii(salt + n) === puzzle.challenge) return n;
      return null;
    }
    const target = new Uint32Array(8);
    for (let i = 0; i < 8; i++) target[i] = parseInt(puzzle.challenge.slice(8 * i, 8 * i + 8), 16);
    const bytes = new Uint8Array(64);
    for (let i = 0; i < salt.length; i++) bytes[i] = salt.charCodeAt(i);
    const block = new Uint32Array(16);
    const state = new Uint32Array(8);
    const w = new Uint32Array(64);
    const digits = new Uint8Array(20);
    for (let n = start; n <= max; n += step) {
      fillBlock(bytes, salt.length, n, digits, block);
      state.set(H0);
      compress(state, block, w);
      if (sameDigest(state, target)) return n;
    }
    return null;
  }

  // apps/gateway/widget/src/pow.ts
  function serveWorkerJobs() {
    const scope = globalThis;
    if (typeof scope.document !== "undefined" || typeof scope.postMessage !== "function" || typeof scope.addEventListener !== "function")
      return false;
    scope.addEventListener("message", (event) => {
      const { puzzle, start, step } = event.data;
      scope.postMessage({ number: solvePow(puzzle, start, step) });
    });
    return true;
  }
  function payloadOf(challenge, number) {
    return btoa(
      JSON.stringify({
        algorithm: challenge.algorithm,
        challenge: challenge.challenge,
        number,
        salt: challenge.salt,
        signature: challenge.signature
      })
    );
  }
  async function solveOnPage(challenge) {
    const slice = 5e4;
    for (let from = 0; from <= challenge.maxnumber; from += slice) {
      const found = solvePow({ ...challenge, maxnumber: Math.min(challenge.maxnumber, from + slice - 1) }, from, 1);
      if (found !== null) return found;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return null;
  }
  async function solveChallenge(challenge, scriptUrl2) {
    const started = performance.now();
    const cores = Math.max(1, Math.min(4, typeof navigator !== "undefined" && navigator.hardwareConcurrency || 2));
    let workers = [];
    try {
      if (!scriptUrl2 || typeof Worker === "undefined") throw new Error("no workers");
      const blob = URL.createObjectURL(
        new Blob([`importScripts(${JSON.stringify(scriptUrl2)});`], { type: "application/javascript" })
      );
      workers = Array.from({ length: cores }, () => new Worker(blob));
      URL.revokeObjectURL(blob);
      const number = await new Promise((resolve, reject) => {
        let pending = workers.length;
        workers.forEach((worker, i) => {
          worker.onmessage = (event) => {
            if (event.data.number !== null) resolve(event.data.number);
            else if (--pending === 0) resolve(null);
          };
          worker.onerror = (event) => {
            event.preventDefault();
            reject(new Error("worker failed"));
          };
          worker.postMessage({
            puzzle: {
              algorithm: challenge.algorithm,
              challenge: challenge.challenge,
              maxnumber: challenge.maxnumber,
              salt: challenge.salt
            },
            start: i,
            step: workers.length
          });
        });
      });
      if (number === null) throw new Error("no solution");
      return { payload: payloadOf(challenge, number), number, ms: performance.now() - started, workers: workers.length };
    } catch {
      for (const worker of workers.splice(0)) worker.terminate();
      const number = await solveOnPage(challenge);
      if (number === null) throw new Error("proof of work has no solution");
      return { payload: payloadOf(challenge, number), number, ms: performance.now() - started, workers: 0 };
    } finally {
      for (const worker of workers) worker.terminate();
    }
  }

  // apps/gateway/widget/src/aes.ts
  var SBOX = new Uint8Array(256);
  (function buildSbox() {
    let p = 1;
    let q = 1;
    do {
      p = p ^ p << 1 & 255 ^ (p & 128 ? 27 : 0);
      q ^= q << 1;
      q ^= q << 2;
      q ^= q << 4;
      q &= 255;
      if (q & 128) q ^= 9;
      const x = q ^ (q << 1 | q >> 7) ^ (q << 2 | q >> 6) ^ (q << 3 | q >> 5) ^ (q << 4 | q >> 4);
      SBOX[p] = (x ^ 99) & 255;
    } while (p !== 1);
    SBOX[0] = 99;
  })();
  var xtime = (b) => (b << 1 ^ (b & 128 ? 27 : 0)) & 255;
  function expandKey(key) {
    const w = new Uint8Array(176);
    w.set(key);
    let rcon = 1;
    for (let i = 16; i < 176; i += 4) {
      let t0 = w[i - 4], t1 = w[i - 3], t2 = w[i - 2], t3 = w[i - 1];
      if (i % 16 === 0) {
        const r = t0;
        t0 = SBOX[t1] ^ rcon;
        t1 = SBOX[t2];
        t2 = SBOX[t3];
        t3 = SBOX[r];
        rcon = xtime(rcon);
      }
      w[i] = w[i - 16] ^ t0;
      w[i + 1] = w[i - 15] ^ t1;
      w[i + 2] = w[i - 14] ^ t2;
      w[i + 3] = w[i - 13] ^ t3;
    }
    return w;
  }
  function encryptBlock(s, w) {
    for (let i = 0; i < 16; i++) s[i] ^= w[i];
    for (let round = 1; round <= 10; round++) {
      for (let i = 0; i < 16; i++) s[i] = SBOX[s[i]];
      let t = s[1];
      s[1] = s[5];
      s[5] = s[9];
      s[9] = s[13];
      s[13] = t;
      t = s[2];
      s[2] = s[10];
      s[10] = t;
      t = s[6];
      s[6] = s[14];
      s[14] = t;
      t = s[15];
      s[15] = s[11];
      s[11] = s[7];
      s[7] = s[3];
      s[3] = t;
      if (round !== 10) {
        for (let c = 0; c < 16; c += 4) {
          const a0 = s[c], a1 = s[c + 1], a2 = s[c + 2], a3 = s[c + 3];
          const all = a0 ^ a1 ^ a2 ^ a3;
          s[c] = a0 ^ all ^ xtime(a0 ^ a1);
          s[c + 1] = a1 ^ all ^ xtime(a1 ^ a2);
          s[c + 2] = a2 ^ all ^ xtime(a2 ^ a3);
          s[c + 3] = a3 ^ all ^ xtime(a3 ^ a0);
        }
      }
      for (let i = 0; i < 16; i++) s[i] ^= w[round * 16 + i];
    }
  }
  function utf8(text) {
    return new TextEncoder().encode(text);
  }
  function base64(bytes) {
    let binary = "";
    for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary);
  }
  function aesEcbEncrypt(plain, key) {
    const k = utf8(key);
    if (k.length !== 16) throw new Error("the secretKey must be 16 bytes");
    const w = expandKey(k);
    const data = utf8(plain);
    const pad = 16 - data.length % 16;
    const out = new Uint8Array(data.length + pad);
    out.set(data);
    out.fill(pad, data.length);
    for (let i = 0; i < out.length; i += 16) {
      const block = out.subarray(i, i + 16);
      encryptBlock(block, w);
    }
    return base64(out);
  }

  // apps/gateway/widget/src/widget-ui.ts
  var IMAGE_W = 310;
  var TEXT = {
    zh: {
      pow: "\u6B63\u5728\u8FDB\u884C\u5DE5\u4F5C\u91CF\u8BC1\u660E\u2026",
      powDone: "\u5DE5\u4F5C\u91CF\u8BC1\u660E\u5B8C\u6210",
      checking: "\u6B63\u5728\u786E\u8BA4\u60A8\u4E0D\u662F\u673A\u5668\u4EBA\u2026",
      slide: "\u62D6\u52A8\u6ED1\u5757\uFF0C\u628A\u62FC\u56FE\u653E\u8FDB\u5F62\u72B6\u76F8\u540C\u7684\u7F3A\u53E3",
      click: "\u8BF7\u4F9D\u6B21\u70B9\u51FB",
      ok: "\u9A8C\u8BC1\u6210\u529F",
      fail: "\u9A8C\u8BC1\u5931\u8D25\uFF0C\u8BF7\u91CD\u8BD5",
      refresh: "\u6362\u4E00\u5F20",
      loading: "\u52A0\u8F7D\u4E2D\u2026",
      slider: "\u62FC\u56FE\u6ED1\u5757\uFF1A\u7528\u5DE6\u53F3\u65B9\u5411\u952E\u79FB\u52A8\uFF0C\u56DE\u8F66\u63D0\u4EA4"
    },
    en: {
      pow: "Proof of work: solving\u2026",
      powDone: "Proof of work done",
      checking: "Checking that you are a person\u2026",
      slide: "Drag the piece into the gap of the same shape",
      click: "Click in order",
      ok: "Verified",
      fail: "Failed, try again",
      refresh: "New captcha",
      loading: "Loading\u2026",
      slider: "Puzzle slider: move with the arrow keys, Enter to submit"
    }
  };
  var scriptUrl = (() => {
    var _a2;
    const current = typeof document !== "undefined" ? document.currentScript : null;
    return (_a2 = current == null ? void 0 : current.src) != null ? _a2 : "";
  })();
  var scriptBase = (() => {
    try {
      return scriptUrl ? new URL(scriptUrl).origin : "";
    } catch {
      return "";
    }
  })();
  function deviceFingerprint() {
    try {
      let id = localStorage.getItem("verigate-fp");
      if (!id) {
        id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
        localStorage.setItem("verigate-fp", id);
      }
      return id;
    } catch {
      return "web-" + Math.random().toString(36).slice(2);
    }
  }
  function el(tag, style, attrs = {}) {
    const node = document.createElement(tag);
    node.setAttribute("style", style);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  }
  function stageScale(stage) {
    return stage.clientWidth / IMAGE_W || 1;
  }

  // apps/gateway/widget/src/widget-challenges.ts
  function showBlockPuzzle(host, body) {
    const t = host.text;
    host.status.textContent = t.slide;
    const piece = el("img", "position:absolute;top:0;left:0;height:100%;z-index:2;pointer-events:none", {
      class: "verigate-piece",
      alt: "",
      draggable: "false",
      src: `data:image/png;base64,${body.jigsawImageBase64}`
    });
    host.stage.append(piece);
    const handle = el(
      "div",
      "position:absolute;top:0;left:0;width:48px;height:38px;border-radius:19px;background:#3d7eff;color:#fff;display:flex;align-items:center;justify-content:center;cursor:grab;touch-action:none;font-size:18px",
      {
        role: "slider",
        tabindex: "0",
        "aria-label": t.slider,
        "aria-valuemin": "0",
        "aria-valuemax": String(IMAGE_W),
        "aria-valuenow": "0",
        class: "verigate-handle"
      }
    );
    handle.textContent = "\u2192";
    host.bar.append(handle);
    let pieceWidth = 0;
    const naturalWidth = () => pieceWidth || (pieceWidth = piece.naturalWidth || 50);
    let offset = 0;
    const trajectory = [];
    let usedKeyboard = false;
    let started = 0;
    const maxOffset = () => IMAGE_W - naturalWidth();
    const place = (imageX, y) => {
      offset = Math.max(0, Math.min(maxOffset(), imageX));
      const s = stageScale(host.stage);
      piece.style.left = `${offset * s}px`;
      piece.style.width = `${naturalWidth() * s}px`;
      const track = host.bar.clientWidth - handle.offsetWidth;
      handle.style.left = `${offset / maxOffset() * track}px`;
      handle.setAttribute("aria-valuenow", String(Math.round(offset)));
      if (!started) started = performance.now();
      trajectory.push([Math.round(performance.now() - started), Math.round(offset * 10) / 10, Math.round(y * 10) / 10]);
    };
    piece.addEventListener("load", () => place(0, 0));
    let dragFrom = null;
    const ratio = () => maxOffset() / Math.max(1, host.bar.clientWidth - handle.offsetWidth);
    const down = (e) => {
      var _a2;
      if (host.busy()) return;
      dragFrom = { x: e.clientX, offset };
      (_a2 = handle.setPointerCapture) == null ? void 0 : _a2.call(handle, e.pointerId);
      handle.style.cursor = "grabbing";
      e.preventDefault();
    };
    const move = (e) => {
      if (!dragFrom) return;
      place(
        dragFrom.offset + (e.clientX - dragFrom.x) * ratio(),
        (e.clientY - host.bar.getBoundingClientRect().top) / stageScale(host.stage)
      );
    };
    const up = () => {
      if (!dragFrom) return;
      dragFrom = null;
      handle.style.cursor = "grab";
      host.submitPuzzle(offset, usedKeyboard ? void 0 : trajectory);
    };
    handle.addEventListener("pointerdown", down);
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", up);
    const key = (e) => {
      if (host.busy()) return;
      const step = e.shiftKey ? 10 : 1;
      if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        usedKeyboard = true;
        place(offset + (e.key === "ArrowRight" ? step : -step), 0);
      } else if (e.key === "Enter" || e.key === " ") {
        host.submitPuzzle(offset, usedKeyboard ? void 0 : trajectory);
      } else {
        return;
      }
      e.preventDefault();
    };
    handle.addEventListener("keydown", key);
    host.cleanup.push(() => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", up);
    });
  }
  function showClickWord(host, body, image) {
    var _a2;
    const t = host.text;
    const words = (_a2 = body.wordList) != null ? _a2 : [];
    host.status.textContent = `${t.click}: ${words.join(" ")}`;
    const points = [];
    const click = (e) => {
      if (host.busy() || points.length >= words.length) return;
      const rect = image.getBoundingClientRect();
      const s = rect.width / IMAGE_W;
      const x = (e.clientX - rect.left) / s;
      const y = (e.clientY - rect.top) / s;
      points.push({ x: Math.round(x), y: Math.round(y) });
      const mark = el(
        "div",
        `position:absolute;z-index:2;left:${x * s - 11}px;top:${y * s - 11}px;width:22px;height:22px;border-radius:11px;background:#3d7eff;color:#fff;text-align:center;line-height:22px;font-size:12px;pointer-events:none`
      );
      mark.textContent = String(points.length);
      host.stage.append(mark);
      if (points.length === words.length) host.check(JSON.stringify(points));
    };
    image.addEventListener("click", click);
    host.bar.style.display = "none";
  }

  // apps/gateway/widget/src/widget.ts
  var CaptchaWidget = class {
    constructor(container, options) {
      __publicField(this, "container", container);
      __publicField(this, "options", options);
      __publicField(this, "lang");
      __publicField(this, "type");
      __publicField(this, "base");
      __publicField(this, "fingerprint");
      __publicField(this, "root");
      __publicField(this, "stage");
      __publicField(this, "status");
      __publicField(this, "bar");
      __publicField(this, "powLine");
      __publicField(this, "renderedAt", typeof performance !== "undefined" ? performance.now() : 0);
      __publicField(this, "interactions", 0);
      __publicField(this, "current");
      /** The proof of work of the current captcha, solving in Web Workers while the person looks at the picture. */
      __publicField(this, "pow");
      __publicField(this, "managed");
      __publicField(this, "busy", false);
      __publicField(this, "cleanup", []);
      __publicField(this, "puzzleCleanup", []);
      var _a2, _b2;
      this.lang = options.lang === "en" ? "en" : "zh";
      this.type = options.captchaType === "clickWord" ? "clickWord" : "blockPuzzle";
      this.base = ((_a2 = options.baseUrl) != null ? _a2 : scriptBase).replace(/\/$/, "");
      this.fingerprint = (_b2 = options.fingerprint) != null ? _b2 : deviceFingerprint();
      this.root = el(
        "div",
        "position:relative;width:100%;max-width:620px;font:14px/1.4 system-ui,sans-serif;user-select:none;-webkit-user-select:none",
        { class: "verigate-captcha", role: "group", "aria-label": "captcha" }
      );
      this.stage = el(
        "div",
        `position:relative;width:100%;aspect-ratio:${IMAGE_W}/155;overflow:hidden;border-radius:4px;background:#eee`
      );
      this.bar = el(
        "div",
        "position:relative;margin-top:8px;height:40px;border-radius:20px;background:#eef1f5;border:1px solid #d0d7e2"
      );
      this.status = el("div", "margin-top:4px;min-height:20px;color:#555", { "aria-live": "polite", role: "status" });
      this.powLine = el("div", "margin-top:2px;min-height:16px;font-size:12px;color:#777", { class: "verigate-pow" });
      this.managed = options.mode === "managed";
      const count = () => {
        this.interactions++;
      };
      for (const type of ["pointermove", "pointerdown", "keydown", "touchstart", "scroll"])
        window.addEventListener(type, count, { passive: true });
      this.cleanup.push(() => {
        for (const type of ["pointermove", "pointerdown", "keydown", "touchstart", "scroll"])
          window.removeEventListener(type, count);
      });
      const refresh = el(
        "button",
        "position:absolute;top:4px;right:4px;z-index:3;border:0;border-radius:3px;background:rgba(255,255,255,.85);cursor:pointer;padding:2px 6px",
        {
          type: "button",
          "aria-label": TEXT[this.lang].refresh,
          title: TEXT[this.lang].refresh,
          class: "verigate-refresh"
        }
      );
      refresh.textContent = "\u21BB";
      refresh.addEventListener("click", () => void this.refresh());
      this.root.append(this.stage, this.bar, this.status, this.powLine);
      this.stage.append(refresh);
      container.append(this.root);
      void this.refresh();
    }
    destroy() {
      for (const undo of this.cleanup.splice(0)) undo();
      for (const undo of this.puzzleCleanup.splice(0)) undo();
      this.root.remove();
    }
    headers(json) {
      return {
        "X-operating-sys-version": navigator.platform || "web",
        "X-device-fingerprint": this.fingerprint,
        "X-agent": navigator.userAgent.slice(0, 1e3),
        "X-client-id": this.options.clientId,
        "X-L": this.lang,
        ...json ? { "Content-Type": "application/json;charset=utf8" } : {}
      };
    }
    fail(code, message) {
      var _a2, _b2;
      this.status.textContent = message;
      this.status.style.color = "#c0392b";
      (_b2 = (_a2 = this.options).onError) == null ? void 0 : _b2.call(_a2, { code, message });
    }
    /** Fetches and shows a new captcha. */
    async refresh() {
      var _a2, _b2, _c;
      for (const undo of this.puzzleCleanup.splice(0)) undo();
      this.status.textContent = TEXT[this.lang].loading;
      this.status.style.color = "#555";
      this.busy = false;
      let body;
      try {
        const response = await fetch(`${this.base}/api/v2/sdk/captcha?captchaType=${this.type}`, {
          headers: this.headers(false)
        });
        body = await response.json();
        if (!response.ok) return this.fail((_a2 = body.error_code) != null ? _a2 : String(response.status), (_b2 = body.error_msg) != null ? _b2 : "error");
      } catch (error) {
        return this.fail("NETWORK", error.message);
      }
      this.current = body;
      this.pow = body.pow ? this.solve(body.pow) : void 0;
      (_c = this.pow) == null ? void 0 : _c.catch(() => void 0);
      const managedAsk = this.managed;
      this.setPuzzleVisible(!managedAsk);
      for (const child of [...this.stage.children]) if (!child.classList.contains("verigate-refresh")) child.remove();
      this.bar.replaceChildren();
      const background = el("img", "position:absolute;inset:0;width:100%;height:100%;display:block", {
        class: "verigate-background",
        alt: "",
        draggable: "false",
        src: `data:image/png;base64,${body.originalImageBase64}`
      });
      this.stage.prepend(background);
      if (this.type === "blockPuzzle") showBlockPuzzle(this.challengeHost(), body);
      else showClickWord(this.challengeHost(), body, background);
      if (managedAsk) await this.askManaged(body);
    }
    setPuzzleVisible(visible) {
      this.stage.style.visibility = visible ? "visible" : "hidden";
      this.bar.style.visibility = visible ? "visible" : "hidden";
      this.root.setAttribute("data-puzzle", visible ? "shown" : "hidden");
    }
    /** Solves the captcha's proof of work and says so under the picture. */
    solve(challenge) {
      const t = TEXT[this.lang];
      this.powLine.textContent = `\u2699 ${t.pow}`;
      this.root.setAttribute("data-pow", "solving");
      return solveChallenge(challenge, scriptUrl).then((result) => {
        var _a2;
        if (((_a2 = this.current) == null ? void 0 : _a2.pow) === challenge) {
          this.powLine.textContent = `\u2713 ${t.powDone} (${(result.ms / 1e3).toFixed(2)} s)`;
          this.root.setAttribute("data-pow", "done");
          this.root.setAttribute("data-pow-ms", String(Math.round(result.ms)));
        }
        return result;
      });
    }
    /**
     * Managed mode: the proof of work and the page's behaviour, without the puzzle. A credential
     * when the platform sees low risk; otherwise the puzzle (already drawn, same token) appears.
     */
    async askManaged(body) {
      var _a2, _b2, _c, _d;
      const t = TEXT[this.lang];
      this.status.textContent = t.checking;
      this.busy = true;
      let answer;
      let status;
      try {
        const pow = this.pow ? await this.pow : void 0;
        const wait = 1100 - (performance.now() - this.renderedAt);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const response = await fetch(`${this.base}/api/v2/sdk/captcha/managed`, {
          method: "POST",
          headers: this.headers(true),
          body: JSON.stringify({
            token: body.token,
            powSolution: pow == null ? void 0 : pow.payload,
            signals: { elapsedMs: Math.round(performance.now() - this.renderedAt), interactions: this.interactions }
          })
        });
        status = response.status;
        answer = await response.json();
      } catch (error) {
        this.busy = false;
        return this.fail("NETWORK", error.message);
      }
      this.busy = false;
      if (status === 200 && answer.result === true && answer.captchaVerification)
        return this.succeed(answer.captchaVerification);
      if (status !== 200) {
        this.fail((_a2 = answer.error_code) != null ? _a2 : String(status), (_b2 = answer.error_msg) != null ? _b2 : t.fail);
        this.root.setAttribute("data-state", "failed");
        setTimeout(() => void this.refresh(), 900);
        return;
      }
      this.root.setAttribute("data-escalated", (_c = answer.escalated) != null ? _c : "yes");
      this.setPuzzleVisible(true);
      this.status.textContent = this.type === "blockPuzzle" ? t.slide : `${t.click}: ${((_d = body.wordList) != null ? _d : []).join(" ")}`;
    }
    succeed(captchaVerification) {
      var _a2, _b2;
      this.status.textContent = TEXT[this.lang].ok;
      this.status.style.color = "#1e8e3e";
      this.root.setAttribute("data-state", "passed");
      (_b2 = (_a2 = this.options).onSuccess) == null ? void 0 : _b2.call(_a2, captchaVerification);
    }
    /** What the challenge being shown may use of this widget. */
    challengeHost() {
      return {
        stage: this.stage,
        bar: this.bar,
        status: this.status,
        text: TEXT[this.lang],
        busy: () => this.busy,
        submitPuzzle: (offset, trajectory) => void this.submitPuzzle(offset, trajectory),
        check: (pointJson) => void this.check(pointJson),
        cleanup: this.puzzleCleanup
      };
    }
    async submitPuzzle(offset, trajectory) {
      await this.check(JSON.stringify({ x: Math.round(offset * 10) / 10, y: 5 }), trajectory);
    }
    /** Encrypts the point like AJ-Captcha clients and asks the gateway; then success or a new captcha. */
    async check(pointJson, trajectory) {
      var _a2, _b2;
      const current = this.current;
      if (!current || this.busy) return;
      this.busy = true;
      try {
        let powSolution;
        if (this.pow) {
          if (this.root.getAttribute("data-pow") !== "done") this.status.textContent = TEXT[this.lang].pow;
          powSolution = (await this.pow).payload;
        }
        const body = {
          captchaType: this.type,
          token: current.token,
          pointJson: aesEcbEncrypt(pointJson, current.secretKey),
          ...trajectory ? { trajectory } : {},
          ...powSolution ? { powSolution } : {}
        };
        const response = await fetch(`${this.base}/api/v2/sdk/captcha/check`, {
          method: "POST",
          headers: this.headers(true),
          body: JSON.stringify(body)
        });
        const answer = await response.json();
        if (response.ok && answer.result === true && answer.captchaVerification)
          return this.succeed(answer.captchaVerification);
        this.fail((_a2 = answer.error_code) != null ? _a2 : String(response.status), (_b2 = answer.error_msg) != null ? _b2 : TEXT[this.lang].fail);
      } catch (error) {
        this.fail("NETWORK", error.message);
      }
      this.root.setAttribute("data-state", "failed");
      setTimeout(() => void this.refresh(), 900);
    }
  };

  // apps/gateway/widget/src/index.ts
  var api = {
    version: "1",
    render(container, options) {
      const element = typeof container === "string" ? document.querySelector(container) : container;
      if (!element) throw new Error("VerigateCaptcha.render: container not found");
      return new CaptchaWidget(element, options);
    }
  };
  var _a, _b;
  if (!serveWorkerJobs()) {
    const script = (_b = (_a = document.currentScript) == null ? void 0 : _a.src) != null ? _b : "";
    globalThis.VerigateCaptcha = {
      ...api,
      /** Solves a `pow` challenge as the widget does (Web Workers); for pages that call the API themselves. */
      solvePow: (challenge) => solveChallenge(challenge, script)
    };
  }
})();
