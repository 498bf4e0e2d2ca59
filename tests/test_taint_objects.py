"""Calls on objects of the file's own classes (model.Siblings.typed, params.mark_receiver): a
method called on a field or variable declared as one of the file's classes runs that class's
method, also where another class has a method of the same name; what the method reads of
``self``/``this`` is what the object was made from."""

from __future__ import annotations

from auditor.model import Siblings
from tests.flagged import findings

EXPORT_JAVA = """
    import java.nio.file.Path;
    import java.util.UUID;
    import org.springframework.core.io.FileSystemResource;
    import org.springframework.web.bind.annotation.*;

    public class PdfExportService {
        private final Path workDir;

        public Path export(Report report, String title) throws Exception {
            Path pdf = workDir.resolve(UUID.randomUUID() + ".pdf");
            String command = "wkhtmltopdf --title '" + title + "' " + pdf;
            new ProcessBuilder("sh", "-c", command).start().waitFor();
            return pdf;
        }
    }

    @RestController
    class PdfExportController {
        private final PdfExportService exporter;

        PdfExportController(PdfExportService exporter) {
            this.exporter = exporter;
        }

        @GetMapping("/reports/{id}/export.pdf")
        FileSystemResource export(@PathVariable long id, @RequestParam String title)
                throws Exception {
            Path pdf = exporter.export(reports.get(id), title);
            return new FileSystemResource(pdf);
        }
    }
"""


def test_a_service_method_that_returns_a_path_it_made_gives_no_path_finding() -> None:
    found = findings("path-traversal", EXPORT_JAVA, "java", "Export.java")
    assert found["PdfExportController.export"] == []


def test_what_the_service_runs_is_found_at_the_controller_call() -> None:
    found = findings("command-injection", EXPORT_JAVA, "java", "Export.java")
    assert found["PdfExportController.export"] == [28]


def test_an_unrelated_method_of_the_same_name_is_not_followed() -> None:
    # `exporter` is not declared as the file's class: the call stays an unknown call, whose
    # result holds its arguments (the request's title)
    code = EXPORT_JAVA.replace("private final PdfExportService exporter;", "").replace(
        "PdfExportController(PdfExportService exporter)", "PdfExportController(Exporter exporter)"
    )
    found = findings("path-traversal", code, "java", "Export.java")
    assert found["PdfExportController.export"] == [29]


WATERMARK_TS = """
    import { Controller, Injectable, Post, Query, Res } from '@nestjs/common';
    import { randomUUID } from 'crypto';
    import { tmpdir } from 'os';
    import { join } from 'path';

    @Injectable()
    export class WatermarkService {
      apply(name: string): string {
        return join(tmpdir(), `${randomUUID()}.jpg`);
      }
    }

    @Controller('images')
    export class WatermarkController {
      constructor(private readonly watermarks: WatermarkService) {}

      @Post('watermark')
      watermark(@Query('name') name: string, @Res() res: any): void {
        const output = this.watermarks.apply(name);
        res.sendFile(output);
      }
    }
"""


def test_a_constructor_injected_service_is_the_files_class() -> None:
    found = findings("path-traversal", WATERMARK_TS, "typescript", "watermark.ts")
    assert found["WatermarkController.watermark"] == []
    raw = WATERMARK_TS.replace("join(tmpdir(), `${randomUUID()}.jpg`)", "join(tmpdir(), name)")
    found = findings("path-traversal", raw, "typescript", "watermark.ts")
    assert found["WatermarkController.watermark"] == [20]


BADGE_PY = """
    from fastapi import APIRouter, Query
    from fastapi.responses import HTMLResponse
    from markupsafe import escape

    router = APIRouter()


    class BadgeRenderer:
        def __init__(self, label: str):
            self.label = label

        def render(self, count: int) -> str:
            return f'<span class="label">{self.label}</span><b>{int(count)}</b>'


    @router.get("/badge")
    async def badge(label: str = Query("stars")):
        renderer = BadgeRenderer(label=label)
        return HTMLResponse(renderer.render(3))
"""


def test_what_a_method_reads_of_self_is_what_the_object_was_made_from() -> None:
    found = findings("xss", BADGE_PY, "python", "badge.py")
    assert found["badge"] == [19]
    escaped = BADGE_PY.replace("BadgeRenderer(label=label)", "BadgeRenderer(label=escape(label))")
    assert findings("xss", escaped, "python", "badge.py")["badge"] == []


def test_typed_lookup_needs_exactly_one_declared_class() -> None:
    siblings = Siblings(
        functions=(("export", "a"), ("export", "b"), ("Other", "c")),
        module="class A {\n  private final A first;\n  B second;\n  A both; B both;\n}",
        methods=(("A.export", "a"), ("B.export", "b")),
    )
    assert siblings.typed("first", "export") == "A.export"
    assert siblings.typed("second", "export") == "B.export"
    assert siblings.typed("both", "export") is None  # declared as either: not known
    assert siblings.typed("unknown", "export") is None
    assert siblings.typed("B", "export") == "B.export"  # a static call on the class
    assert siblings.text_of("A.export") == "a"
    assert siblings.text_of("export") is None  # two classes define it


LANDING_PY = """
    from dataclasses import dataclass
    from string import Template

    from starlette.responses import HTMLResponse

    BANNER = Template("<p>You came from <strong>$campaign</strong></p>")


    @dataclass
    class Landing:
        title: str
        campaign: str

        def banner(self) -> str:
            return BANNER.substitute(campaign=self.campaign)

        def render(self) -> str:
            return f"<html><title>{self.title}</title>{self.banner()}</html>"


    async def pricing(request):
        page = Landing(title=request.query_params.get("t", ""), campaign="spring")
        return HTMLResponse(page.render())
"""


def test_a_dataclass_keeps_its_fields_apart() -> None:
    # the title is the request's and reaches the page; the campaign, a constant, does not
    assert findings("xss", LANDING_PY, "python", "landing.py")["pricing"] == [23]
    swapped = LANDING_PY.replace(
        'title=request.query_params.get("t", ""), campaign="spring"',
        'title="Pricing", campaign=request.query_params.get("c", "")',
    )
    assert findings("xss", swapped, "python", "landing.py")["pricing"] == [23]
    unused = LANDING_PY.replace("{self.title}", "Pricing")
    assert findings("xss", unused, "python", "landing.py")["pricing"] == []


ASSET_PY = """
    import os
    from dataclasses import dataclass

    from starlette.responses import FileResponse

    ROOT = "/srv/kits"


    @dataclass(frozen=True)
    class Asset:
        name: str

        @property
        def path(self) -> str:
            full = os.path.normpath(os.path.join(ROOT, self.name))
            if not full.startswith(ROOT + os.sep):
                raise ValueError(self.name)
            return full


    async def download(request):
        asset = Asset(name=request.path_params["name"])
        return FileResponse(asset.path)
"""


def test_a_property_is_what_its_body_returns() -> None:
    assert findings("path-traversal", ASSET_PY, "python", "kits.py")["download"] == []
    raw = ASSET_PY.replace(
        "            if not full.startswith(ROOT + os.sep):\n"
        "                raise ValueError(self.name)\n",
        "",
    )
    assert findings("path-traversal", raw, "python", "kits.py")["download"] == [21]


RECORD_JAVA = """
    import io.micronaut.http.HttpResponse;
    import io.micronaut.http.annotation.*;
    import io.micronaut.http.server.types.files.SystemFile;
    import java.nio.file.Path;

    @Controller("/logs")
    public class LogFileController {
        private final Path logRoot = Path.of("/var/log/acme");

        record LogRef(String service, String file) {
            Path under(Path root) {
                return root.resolve(service).resolve(file);
            }
        }

        @Get
        public HttpResponse<SystemFile> download(@QueryValue String service,
                                                 @QueryValue String file) {
            Path path = new LogRef(service, file).under(logRoot);
            return HttpResponse.ok(new SystemFile(path.toFile()));
        }
    }
"""


def test_a_java_method_reads_its_records_fields_by_bare_name() -> None:
    found = findings("path-traversal", RECORD_JAVA, "java", "Logs.java")
    assert found["LogFileController.download"] == [20]
    safe = RECORD_JAVA.replace("root.resolve(service).resolve(file)", 'root.resolve("app.log")')
    assert findings("path-traversal", safe, "java", "Logs.java")["LogFileController.download"] == []
