// A drawing pad for the child: a canvas drawn on with a finger, a stylus or
// a mouse (pointer events, one stroke per pointer, so two fingers draw two
// lines), given to the store as a PNG.

export class DrawingPad {
  constructor(canvas, { colour = "#0b0c0c", width = 6 } = {}) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.colour = colour;
    this.width = width;
    this.strokes = new Map(); // pointerId -> last point
    this.drawn = false;
    this.clear();
    canvas.addEventListener("pointerdown", (event) => this.start(event));
    canvas.addEventListener("pointermove", (event) => this.move(event));
    for (const end of ["pointerup", "pointercancel", "lostpointercapture"]) {
      canvas.addEventListener(end, (event) => this.strokes.delete(event.pointerId));
    }
  }

  // The event's point in the canvas's own pixels (it is shown scaled).
  point(event) {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * this.canvas.width) / box.width,
      y: ((event.clientY - box.top) * this.canvas.height) / box.height,
    };
  }

  start(event) {
    event.preventDefault();
    this.canvas.setPointerCapture?.(event.pointerId);
    const at = this.point(event);
    this.strokes.set(event.pointerId, at);
    // A tap is a dot.
    this.context.beginPath();
    this.context.fillStyle = this.colour;
    this.context.arc(at.x, at.y, this.width / 2, 0, 2 * Math.PI);
    this.context.fill();
    this.drawn = true;
  }

  move(event) {
    const from = this.strokes.get(event.pointerId);
    if (!from) return;
    event.preventDefault();
    const to = this.point(event);
    const context = this.context;
    context.beginPath();
    context.strokeStyle = this.colour;
    context.lineWidth = this.width;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    this.strokes.set(event.pointerId, to);
  }

  clear() {
    this.context.fillStyle = "#ffffff";
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawn = false;
  }

  // The drawing as base64 PNG (what child.drawing takes).
  pngBase64() {
    return this.canvas.toDataURL("image/png").replace(/^data:image\/png;base64,/, "");
  }
}
