// The live loss chart: uPlot (canvas, ~50 kB) redrawn at most once per animation frame.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export class LossChart {
  private readonly steps: number[] = [];
  private readonly losses: number[] = [];
  private readonly plot: uPlot;
  private pending = false;

  constructor(container: HTMLElement) {
    this.plot = new uPlot(
      {
        width: Math.max(280, container.clientWidth || 560),
        height: 200,
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, { label: 'loss (nats/char)' }],
        series: [{ label: 'step' }, { label: 'loss', stroke: '#c2410c', width: 2 }],
        legend: { show: false },
      },
      [[], []],
      container,
    );
  }

  reset(): void {
    this.steps.length = 0;
    this.losses.length = 0;
    this.plot.setData([[], []]);
  }

  add(step: number, loss: number): void {
    this.steps.push(step);
    this.losses.push(loss);
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.plot.setData([this.steps, this.losses]);
    });
  }
}
