"""extract_units on one small, realistic file per language: qualnames, kinds, lines, module code."""

from __future__ import annotations

from tests.test_extract import extract, module_of, src, table

# --- one file per language ------------------------------------------------------------------

PYTHON = src('''
    """Settings and handlers."""
    import os
    from typing import (
        Any,
    )

    API_KEY = "sk-live-1234567890abcdef"


    @app.route("/users")
    @login_required
    def list_users(request):
        def page(n):
            return n * 10

        return page(1)


    class UserService:
        timeout = 30
        check = lambda self, x: x > 0

        def __init__(self, db):
            self.db = db

        @staticmethod
        def find(name):
            def quote(s):
                return "'" + s + "'"
            return "SELECT * FROM users WHERE name = " + quote(name)


    if __name__ == "__main__":
        list_users(None)
''')


def test_python() -> None:
    units = extract(PYTHON, "python")
    assert table(units) == {
        "list_users": ("function", 10, 16),
        "list_users.page": ("function", 13, 14),
        "UserService.check": ("method", 21, 21),
        "UserService.__init__": ("method", 23, 24),
        "UserService.find": ("method", 26, 30),
        "UserService.find.quote": ("function", 28, 29),
    }
    # Decorators belong to the function; the nested function stays in its parent's text too.
    by_name = {u.qualname: u for u in units}
    assert by_name["list_users"].text.startswith('@app.route("/users")\n@login_required\n')
    assert "def page(n):" in by_name["list_users"].text
    assert by_name["UserService.find"].text.startswith("    @staticmethod")
    module = module_of(units)
    assert units[0] is module
    assert (module.start_line, module.end_line) == (1, 34)
    assert module.lines(7, 7) == 'API_KEY = "sk-live-1234567890abcdef"'
    assert module.lines(19, 20) == "class UserService:\n    timeout = 30"
    assert module.lines(10, 16) == "\n" * 6
    assert "__main__" in module.lines(33, 33)


def test_javascript() -> None:
    text = src("""
        const express = require("express");
        const db = require("./db");

        const SECRET = "hunter2";

        function handler(req, res) {
          function inner() {
            return req.query.id;
          }
          return db.query("SELECT * FROM t WHERE id = " + inner());
        }

        const fetchUser = async (id) => {
          return db.get(id);
        };

        module.exports.remove = function (id) {
          return db.del(id);
        };

        class Repo {
          constructor(conn) {
            this.conn = conn;
          }

          save = (row) => this.conn.insert(row);
        }

        const api = {
          list() {
            return [];
          },
        };

        app.get("/", (req, res) => res.send("ok"));
    """)
    units = extract(text, "javascript")
    assert table(units) == {
        "handler": ("function", 6, 11),
        "handler.inner": ("function", 7, 9),
        "fetchUser": ("function", 13, 15),
        "remove": ("function", 17, 19),
        "Repo.constructor": ("method", 22, 24),
        "Repo.save": ("method", 26, 26),
        "api.list": ("function", 30, 32),
    }
    module = module_of(units)
    assert module.lines(4, 4) == 'const SECRET = "hunter2";'
    # An anonymous callback is no unit of its own: it stays in the module-level code.
    assert module.lines(35, 35) == 'app.get("/", (req, res) => res.send("ok"));'
    assert module.end_line == 35


def test_typescript_decorators() -> None:
    text = src("""
        import { Injectable } from "@angular/core";

        export const TOKEN = "abc";

        @Injectable()
        export class AuthService {
          private secret = "x";

          @Log()
          async login(user: string, pass: string): Promise<boolean> {
            const check = (p: string): boolean => p.length > 8;
            return check(pass);
          }
        }

        export function hash<T>(value: T): string {
          return String(value);
        }
    """)
    units = extract(text, "typescript")
    assert table(units) == {
        "AuthService.login": ("method", 9, 13),
        "AuthService.login.check": ("function", 11, 11),
        "hash": ("function", 16, 18),
    }
    assert module_of(units).lines(7, 7) == '  private secret = "x";'


def test_tsx() -> None:
    text = src("""
        import React from "react";

        export const Greeting = ({ name }: { name: string }) => {
          const onClick = () => alert(name);
          return <button onClick={onClick}>{name}</button>;
        };

        export default function App() {
          return <Greeting name="x" />;
        }
    """)
    units = extract(text, "tsx")
    assert table(units) == {
        "Greeting": ("function", 3, 6),
        "Greeting.onClick": ("function", 4, 4),
        "App": ("function", 8, 10),
    }
    # Only an import is left outside the functions.
    assert all(u.kind != "module" for u in units)


def test_java() -> None:
    text = src("""
        package com.example.auth;

        import java.sql.Connection;

        @Service
        public class UserDao {
            private static final String KEY = "AKIAIOSFODNN7EXAMPLE";

            public UserDao(Connection conn) {
                this.conn = conn;
            }

            @Override
            @Transactional
            public String find(String name) throws Exception {
                return run("SELECT * FROM u WHERE n='" + name + "'");
            }

            static class Cache {
                void clear() {
                }
            }
        }
    """)
    units = extract(text, "java")
    assert table(units) == {
        "UserDao.UserDao": ("method", 9, 11),
        "UserDao.find": ("method", 13, 17),
        "UserDao.Cache.clear": ("method", 20, 21),
    }
    assert {u.qualname: u for u in units}["UserDao.find"].text.startswith("    @Override\n")
    module = module_of(units)
    assert module.lines(7, 7).strip() == 'private static final String KEY = "AKIAIOSFODNN7EXAMPLE";'
    assert module.lines(19, 19).strip() == "static class Cache {"


def test_go() -> None:
    text = src("""
        package server

        import (
        \t"fmt"
        \t"net/http"
        )

        const apiKey = "0123456789abcdef"

        func (s *Server) Handle(w http.ResponseWriter, r *http.Request) {
        \tformat := func(v string) string {
        \t\treturn fmt.Sprintf("%s", v)
        \t}
        \tfmt.Fprint(w, format(r.URL.Path))
        }

        func (s Server[T]) Name() string { return s.name }

        func New(name string) *Server {
        \treturn &Server{name: name}
        }
    """)
    units = extract(text, "go")
    assert table(units) == {
        "Server.Handle": ("method", 10, 15),
        "Server.Handle.format": ("function", 11, 13),
        "Server.Name": ("method", 17, 17),
        "New": ("function", 19, 21),
    }
    module = module_of(units)
    assert (module.start_line, module.end_line) == (1, 8)
    assert module.lines(8, 8) == 'const apiKey = "0123456789abcdef"'


def test_rust() -> None:
    text = src("""
        use std::process::Command;

        const TOKEN: &str = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

        impl<T: Clone> Runner<T> {
            #[inline]
            pub fn run(&self, arg: &str) -> String {
                let quote = |s: &str| format!("'{}'", s);
                Command::new("sh").arg(quote(arg)).output().unwrap();
            }
        }

        trait Named {
            fn name(&self) -> String { String::new() }
        }

        #[cfg(test)]
        mod tests {
            #[test]
            fn it_runs() {}
        }
    """)
    units = extract(text, "rust")
    assert table(units) == {
        "Runner.run": ("method", 6, 10),
        "Runner.run.quote": ("function", 8, 8),
        "Named.name": ("method", 14, 14),
        "tests.it_runs": ("function", 19, 20),
    }
    assert module_of(units).lines(3, 3).startswith("const TOKEN")


def test_c() -> None:
    text = src("""
        #ifndef UTIL_H
        #define UTIL_H
        #include <string.h>

        static const char *password = "letmein";

        static char *
        copy_name(char *dst, const char *src)
        {
            strcpy(dst, src);
            return dst;
        }

        int main(int argc, char **argv) {
            return 0;
        }
        #endif
    """)
    units = extract(text, "c")
    assert table(units) == {"copy_name": ("function", 7, 12), "main": ("function", 14, 16)}
    assert module_of(units).lines(5, 5) == 'static const char *password = "letmein";'


def test_cpp() -> None:
    text = src("""
        #include <string>

        namespace net {
        class Client {
          public:
            Client() {}
            int send(const char *data) const { return 0; }
          private:
            std::string token_ = "abc";
        };

        template <typename T>
        T *Pool<T>::acquire(int n) {
            auto check = [](int x) { return x > 0; };
            return nullptr;
        }

        int helper() { return 1; }
        }
    """)
    units = extract(text, "cpp")
    assert table(units) == {
        "net.Client.Client": ("method", 6, 6),
        "net.Client.send": ("method", 7, 7),
        "net.Pool.acquire": ("method", 12, 16),
        "net.Pool.acquire.check": ("function", 14, 14),
        "net.helper": ("function", 18, 18),
    }
    assert module_of(units).lines(9, 9).strip() == 'std::string token_ = "abc";'


def test_ruby() -> None:
    text = src("""
        require "open3"

        module Billing
          API_TOKEN = "tok_live_abc123"

          class Invoice < Base
            def self.build(attrs)
              new(attrs)
            end

            def total(rows)
              sum = ->(xs) { xs.reduce(0, :+) }
              sum.call(rows)
            end

            class << self
              def run(cmd)
                Open3.capture2(cmd)
              end
            end
          end
        end

        def helper
          1
        end
    """)
    units = extract(text, "ruby")
    assert table(units) == {
        "Billing.Invoice.build": ("method", 7, 9),
        "Billing.Invoice.total": ("method", 11, 14),
        "Billing.Invoice.total.sum": ("function", 12, 12),
        "Billing.Invoice.run": ("method", 17, 19),
        "helper": ("function", 24, 26),
    }
    assert module_of(units).lines(4, 4).strip() == 'API_TOKEN = "tok_live_abc123"'


def test_php() -> None:
    text = src("""
        <?php
        namespace App\\Http;

        use App\\Models\\User;

        const DB_PASSWORD = "s3cret";

        class UserController extends Controller
        {
            #[Route('/users')]
            public function show($id)
            {
                $fmt = fn($x) => trim($x);
                return DB::select("SELECT * FROM users WHERE id = " . $fmt($id));
            }
        }

        function helper($x) {
            $cb = function ($y) {
                return $y;
            };
            return $cb($x);
        }
    """)
    units = extract(text, "php")
    assert table(units) == {
        "UserController.show": ("method", 10, 15),
        "UserController.show.fmt": ("function", 13, 13),
        "helper": ("function", 18, 23),
        "helper.cb": ("function", 19, 21),
    }
    assert module_of(units).lines(6, 6) == 'const DB_PASSWORD = "s3cret";'


def test_csharp() -> None:
    text = src("""
        using System;

        namespace Shop.Data
        {
            public class OrderRepository
            {
                private const string ConnectionString = "Server=db;Password=hunter2";

                public OrderRepository()
                {
                }

                [HttpGet]
                public string Find(string id)
                {
                    string Quote(string s) => "'" + s + "'";
                    return "SELECT * FROM orders WHERE id = " + Quote(id);
                }
            }
        }
    """)
    units = extract(text, "csharp")
    assert table(units) == {
        "OrderRepository.OrderRepository": ("method", 9, 11),
        "OrderRepository.Find": ("method", 13, 18),
        "OrderRepository.Find.Quote": ("function", 16, 16),
    }
    assert "Password=hunter2" in module_of(units).lines(7, 7)


def test_javascript_named_function_expressions() -> None:
    text = src("""
        exports.handle = async function handleRequest(req) {
          return req;
        };
        items.map(function double(x) {
          return x * 2;
        });
    """)
    # A bound expression is known by its binding; a named callback by its own name.
    assert table(extract(text, "javascript")) == {
        "handle": ("function", 1, 3),
        "double": ("function", 4, 6),
    }


def test_java_anonymous_class() -> None:
    text = src("""
        class Jobs {
            void start() {
                Runnable r = new Runnable() {
                    public void run() {
                        work();
                    }
                };
            }
        }
    """)
    assert table(extract(text, "java")) == {
        "Jobs.start": ("method", 2, 8),
        "Jobs.start.run": ("method", 4, 6),
    }


def test_signatures_without_body_are_not_units() -> None:
    java = "interface Dao {\n    User find(String id);\n    default int n() { return 1; }\n}\n"
    units = extract(java, "java")
    assert table(units) == {"Dao.n": ("method", 3, 3)}
    assert module_of(units).lines(2, 2) == "    User find(String id);"
    csharp = "interface IDao {\n    User Find(string id);\n}\n"
    assert table(extract(csharp, "csharp")) == {}
    php = "<?php\nabstract class A {\n    abstract public function f($x);\n}\n"
    assert table(extract(php, "php")) == {}
