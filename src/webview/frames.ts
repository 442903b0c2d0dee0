// Batches DOM work into animation frames: tokens arrive up to a thousand a second, the screen
// changes sixty times a second. A timer backs requestAnimationFrame up because a hidden webview
// gets no frames, and its text must still be current when it is shown again.
export type FrameTask = () => void;

export function createFrameScheduler(afterFrame: () => void = () => undefined): (task: FrameTask) => void {
  const tasks = new Set<FrameTask>();
  let raf = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    cancelAnimationFrame(raf);
    if (timer !== undefined) clearTimeout(timer);
    raf = 0;
    timer = undefined;
    const batch = [...tasks];
    tasks.clear();
    for (const task of batch) {
      try {
        task();
      } catch (e) {
        console.error('[pacer] render failed', e);
      }
    }
    afterFrame();
  };
  return (task) => {
    tasks.add(task);
    if (timer === undefined) {
      raf = requestAnimationFrame(run);
      timer = setTimeout(run, 100);
    }
  };
}
