"use strict";
(() => {
  var __defProp = Object.defineProperty;
  var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
  var __publicField = (obj, key, value) => __defNormalProp(obj, typeof key !== "symbol" ? key + "" : key, value);

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

  // apps/gateway/widget/src/widget.ts
  var IMAGE_W = 310;
  var TEXT = {
    zh: { slide: "\u62D6\u52A8\u6ED1\u5757\uFF0C\u628A\u62FC\u56FE\u653E\u8FDB\u5F62\u72B6\u76F8\u540C\u7684\u7F3A\u53E3", click: "\u8BF7\u4F9D\u6B21\u70B9\u51FB", ok: "\u9A8C\u8BC1\u6210\u529F", fail: "\u9A8C\u8BC1\u5931\u8D25\uFF0C\u8BF7\u91CD\u8BD5", refresh: "\u6362\u4E00\u5F20", loading: "\u52A0\u8F7D\u4E2D\u2026", slider: "\u62FC\u56FE\u6ED1\u5757\uFF1A\u7528\u5DE6\u53F3\u65B9\u5411\u952E\u79FB\u52A8\uFF0C\u56DE\u8F66\u63D0\u4EA4" },
    en: { slide: "Drag the piece into the gap of the same shape", click: "Click in order", ok: "Verified", fail: "Failed, try again", refresh: "New captcha", loading: "Loading\u2026", slider: "Puzzle slider: move with the arrow keys, Enter to submit" }
  };
  var scriptBase = (() => {
    const current = typeof document !== "undefined" ? document.currentScript : null;
    try {
      return (current == null ? void 0 : current.src) ? new URL(current.src).origin : "";
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
      __publicField(this, "current");
      __publicField(this, "busy", false);
      __publicField(this, "cleanup", []);
      var _a, _b;
      this.lang = options.lang === "en" ? "en" : "zh";
      this.type = options.captchaType === "clickWord" ? "clickWord" : "blockPuzzle";
      this.base = ((_a = options.baseUrl) != null ? _a : scriptBase).replace(/\/$/, "");
      this.fingerprint = (_b = options.fingerprint) != null ? _b : deviceFingerprint();
      this.root = el("div", "position:relative;width:100%;max-width:620px;font:14px/1.4 system-ui,sans-serif;user-select:none;-webkit-user-select:none", { class: "verigate-captcha", role: "group", "aria-label": "captcha" });
      this.stage = el("div", `position:relative;width:100%;aspect-ratio:${IMAGE_W}/155;overflow:hidden;border-radius:4px;background:#eee`);
      this.bar = el("div", "position:relative;margin-top:8px;height:40px;border-radius:20px;background:#eef1f5;border:1px solid #d0d7e2");
      this.status = el("div", "margin-top:4px;min-height:20px;color:#555", { "aria-live": "polite", role: "status" });
      const refresh = el("button", "position:absolute;top:4px;right:4px;z-index:3;border:0;border-radius:3px;background:rgba(255,255,255,.85);cursor:pointer;padding:2px 6px", { type: "button", "aria-label": TEXT[this.lang].refresh, title: TEXT[this.lang].refresh, class: "verigate-refresh" });
      refresh.textContent = "\u21BB";
      refresh.addEventListener("click", () => void this.refresh());
      this.root.append(this.stage, this.bar, this.status);
      this.stage.append(refresh);
      container.append(this.root);
      void this.refresh();
    }
    destroy() {
      for (const undo of this.cleanup.splice(0)) undo();
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
      var _a, _b;
      this.status.textContent = message;
      this.status.style.color = "#c0392b";
      (_b = (_a = this.options).onError) == null ? void 0 : _b.call(_a, { code, message });
    }
    /** Fetches and shows a new captcha. */
    async refresh() {
      var _a, _b;
      for (const undo of this.cleanup.splice(0)) undo();
      this.status.textContent = TEXT[this.lang].loading;
      this.status.style.color = "#555";
      this.busy = false;
      let body;
      try {
        const response = await fetch(`${this.base}/api/v2/sdk/captcha?captchaType=${this.type}`, { headers: this.headers(false) });
        body = await response.json();
        if (!response.ok) return this.fail((_a = body.error_code) != null ? _a : String(response.status), (_b = body.error_msg) != null ? _b : "error");
      } catch (error) {
        return this.fail("NETWORK", error.message);
      }
      this.current = body;
      for (const child of [...this.stage.children]) if (!child.classList.contains("verigate-refresh")) child.remove();
      this.bar.replaceChildren();
      const background = el("img", "position:absolute;inset:0;width:100%;height:100%;display:block", { class: "verigate-background", alt: "", draggable: "false", src: `data:image/png;base64,${body.originalImageBase64}` });
      this.stage.prepend(background);
      if (this.type === "blockPuzzle") this.showPuzzle(body);
      else this.showClickWord(body, background);
    }
    scale() {
      return this.stage.clientWidth / IMAGE_W || 1;
    }
    showPuzzle(body) {
      const t = TEXT[this.lang];
      this.status.textContent = t.slide;
      const piece = el("img", "position:absolute;top:0;left:0;height:100%;z-index:2;pointer-events:none", { class: "verigate-piece", alt: "", draggable: "false", src: `data:image/png;base64,${body.jigsawImageBase64}` });
      this.stage.append(piece);
      const handle = el("div", "position:absolute;top:0;left:0;width:48px;height:38px;border-radius:19px;background:#3d7eff;color:#fff;display:flex;align-items:center;justify-content:center;cursor:grab;touch-action:none;font-size:18px", {
        role: "slider",
        tabindex: "0",
        "aria-label": t.slider,
        "aria-valuemin": "0",
        "aria-valuemax": String(IMAGE_W),
        "aria-valuenow": "0",
        class: "verigate-handle"
      });
      handle.textContent = "\u2192";
      this.bar.append(handle);
      let pieceWidth = 0;
      const naturalWidth = () => pieceWidth || (pieceWidth = piece.naturalWidth || 50);
      let offset = 0;
      const trajectory = [];
      let usedKeyboard = false;
      let started = 0;
      const maxOffset = () => IMAGE_W - naturalWidth();
      const place = (imageX, y) => {
        offset = Math.max(0, Math.min(maxOffset(), imageX));
        const s = this.scale();
        piece.style.left = `${offset * s}px`;
        piece.style.width = `${naturalWidth() * s}px`;
        const track = this.bar.clientWidth - handle.offsetWidth;
        handle.style.left = `${offset / maxOffset() * track}px`;
        handle.setAttribute("aria-valuenow", String(Math.round(offset)));
        if (!started) started = performance.now();
        trajectory.push([Math.round(performance.now() - started), Math.round(offset * 10) / 10, Math.round(y * 10) / 10]);
      };
      piece.addEventListener("load", () => place(0, 0));
      let dragFrom = null;
      const ratio = () => maxOffset() / Math.max(1, this.bar.clientWidth - handle.offsetWidth);
      const down = (e) => {
        var _a;
        if (this.busy) return;
        dragFrom = { x: e.clientX, offset };
        (_a = handle.setPointerCapture) == null ? void 0 : _a.call(handle, e.pointerId);
        handle.style.cursor = "grabbing";
        e.preventDefault();
      };
      const move = (e) => {
        if (!dragFrom) return;
        place(dragFrom.offset + (e.clientX - dragFrom.x) * ratio(), (e.clientY - this.bar.getBoundingClientRect().top) / this.scale());
      };
      const up = () => {
        if (!dragFrom) return;
        dragFrom = null;
        handle.style.cursor = "grab";
        void this.submitPuzzle(offset, usedKeyboard ? void 0 : trajectory);
      };
      handle.addEventListener("pointerdown", down);
      window.addEventListener("pointermove", move);
      window.addEventListener("pointerup", up);
      window.addEventListener("pointercancel", up);
      const key = (e) => {
        if (this.busy) return;
        const step = e.shiftKey ? 10 : 1;
        if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
          usedKeyboard = true;
          place(offset + (e.key === "ArrowRight" ? step : -step), 0);
        } else if (e.key === "Enter" || e.key === " ") {
          void this.submitPuzzle(offset, usedKeyboard ? void 0 : trajectory);
        } else {
          return;
        }
        e.preventDefault();
      };
      handle.addEventListener("keydown", key);
      this.cleanup.push(() => {
        window.removeEventListener("pointermove", move);
        window.removeEventListener("pointerup", up);
        window.removeEventListener("pointercancel", up);
      });
    }
    showClickWord(body, image) {
      var _a;
      const t = TEXT[this.lang];
      const words = (_a = body.wordList) != null ? _a : [];
      this.status.textContent = `${t.click}: ${words.join(" ")}`;
      const points = [];
      const click = (e) => {
        if (this.busy || points.length >= words.length) return;
        const rect = image.getBoundingClientRect();
        const s = rect.width / IMAGE_W;
        const x = (e.clientX - rect.left) / s;
        const y = (e.clientY - rect.top) / s;
        points.push({ x: Math.round(x), y: Math.round(y) });
        const mark = el("div", `position:absolute;z-index:2;left:${x * s - 11}px;top:${y * s - 11}px;width:22px;height:22px;border-radius:11px;background:#3d7eff;color:#fff;text-align:center;line-height:22px;font-size:12px;pointer-events:none`);
        mark.textContent = String(points.length);
        this.stage.append(mark);
        if (points.length === words.length) void this.check(JSON.stringify(points));
      };
      image.addEventListener("click", click);
      this.bar.style.display = "none";
    }
    async submitPuzzle(offset, trajectory) {
      await this.check(JSON.stringify({ x: Math.round(offset * 10) / 10, y: 5 }), trajectory);
    }
    /** Encrypts the point like AJ-Captcha clients and asks the gateway; then success or a new captcha. */
    async check(pointJson, trajectory) {
      var _a, _b, _c, _d;
      const current = this.current;
      if (!current || this.busy) return;
      this.busy = true;
      const body = { captchaType: this.type, token: current.token, pointJson: aesEcbEncrypt(pointJson, current.secretKey), ...trajectory ? { trajectory } : {} };
      try {
        const response = await fetch(`${this.base}/api/v2/sdk/captcha/check`, { method: "POST", headers: this.headers(true), body: JSON.stringify(body) });
        const answer = await response.json();
        if (response.ok && answer.result === true && answer.captchaVerification) {
          this.status.textContent = TEXT[this.lang].ok;
          this.status.style.color = "#1e8e3e";
          this.root.setAttribute("data-state", "passed");
          (_b = (_a = this.options).onSuccess) == null ? void 0 : _b.call(_a, answer.captchaVerification);
          return;
        }
        this.fail((_c = answer.error_code) != null ? _c : String(response.status), (_d = answer.error_msg) != null ? _d : TEXT[this.lang].fail);
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
  globalThis.VerigateCaptcha = api;
})();
