/**
 * The CloudWatch dashboard (stacks/dashboard.ts).
 */
import { SERVICES } from "../../stacks/services";
import { resources, synthStack } from "../helpers/synth";

const { json } = synthStack("archive");

/** The part of a CloudWatch dashboard body the tests read. */
type DashboardBody = {
  widgets: {
    type: string;
    x: number;
    y: number;
    width: number;
    height: number;
    properties: { title: string; metrics: unknown[] };
  }[];
};

describe("dashboard", () => {
  const dashboard = resources(json, "aws_cloudwatch_dashboard").dashboard_dashboard;
  const body = JSON.parse(dashboard.dashboard_body) as DashboardBody;

  test("one dashboard named after the project, with enable_dashboard; its address is dashboard_url, or empty", () => {
    expect(dashboard).toMatchObject({ count: "${var.enable_dashboard ? 1 : 0}", dashboard_name: "${var.project_name}" });
    expect(json.output.dashboard_url.value).toContain("aws_cloudwatch_dashboard.dashboard_dashboard[*].dashboard_name");
    expect(json.output.dashboard_url.value).toMatch(/^\$\{join\("", \[for name in /);
  });

  test("orders completed, rejected by reason, failed technically and compensation failures; latency; each function; the queue", () => {
    const titles = body.widgets.map((widget) => widget.properties.title);
    expect(titles).toEqual([
      "Orders",
      "Orders rejected, by reason",
      "Execution time",
      "Service calls that failed technically (workflow)",
      "Function faults (technical)",
      "Function errors (Lambda, refusals included)",
      "Function throttles",
      "Function duration (p99)",
      "Dead-letter queue (events that could not start the workflow)",
    ]);
    const metrics = JSON.stringify(body.widgets.map((widget) => widget.properties.metrics));
    for (const name of ["OrdersCompleted", "OrdersRejected", "OrdersFailedTechnically", "CompensationFailed", "ExecutionTime"])
      expect(metrics).toContain(name);
    for (const service of SERVICES)
      expect(metrics).toContain(`\${aws_lambda_function.${service.replace(/-/g, "_")}_function.function_name}`);
    expect(metrics).toContain("${aws_sqs_queue.trigger_dead_letter_queue.name}");
  });

  test("every widget is in the deployed Region, 12 columns wide, in two columns without overlap", () => {
    const cells = new Set<string>();
    for (const widget of body.widgets) {
      expect(widget).toMatchObject({
        type: "metric",
        width: 12,
        height: 6,
        properties: { region: "${local.deployment_region}" },
      });
      expect([0, 12]).toContain(widget.x);
      const cell = `${widget.x},${widget.y}`;
      expect(cells.has(cell)).toBe(false);
      cells.add(cell);
    }
  });
});
