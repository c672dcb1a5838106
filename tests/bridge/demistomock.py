"""A fake `demisto` for testing bridge/helloworld_bridge.py outside XSOAR.

The state comes from the JSON file named by FAKE_DEMISTO_STATE:
  command, args, params, callingContext, lastRun, integrationContext, integrationContextVersion,
  and optional behaviours:
    "contextConflicts": n      setIntegrationContextVersioned raises ValueError the first n times
    "unversionedContext": true  the server has no get/setIntegrationContextVersioned (before 6.0)
    "failCreateIncidents": s    createIncidents raises Exception(s)
Every call is recorded, in order, and the record is written as JSON to FAKE_DEMISTO_RECORD when
the interpreter exits (also after an uncaught exception), so a test can read it.
"""

import atexit
import json
import os

with open(os.environ["FAKE_DEMISTO_STATE"], encoding="utf-8") as state_file:
    _state = json.load(state_file)

callingContext = _state.get("callingContext", {"context": {}})
_behaviours = _state.get("behaviours", {})
# What XSOAR keeps between runs, by the name of its get/set pair.
_kept = {
    "LastRun": _state.get("lastRun", {}),
    "IntegrationContext": _state.get("integrationContext", {}),
}
_version = _state.get("integrationContextVersion", 0)
_conflicts_left = _behaviours.get("contextConflicts", 0)

_record = {
    "calls": [],  # the name of every call, in order
    "results": [],
    "incidents": [],
    "setLastRun": [],
    "setIntegrationContextVersioned": [],
    "setIntegrationContext": [],
    "createIncidents": [],
    "addEntry": [],
    "updateModuleHealth": [],
    "logs": [],
}


def _called(name, list_name=None, value=None):
    """Records one call, and its argument in `list_name` when given."""
    _record["calls"].append(name)
    if list_name is not None:
        _record[list_name].append(value)


@atexit.register
def _write_record():
    _record["final"] = {
        "lastRun": _kept["LastRun"],
        "integrationContext": _kept["IntegrationContext"],
        "version": _version,
    }
    with open(os.environ["FAKE_DEMISTO_RECORD"], "w", encoding="utf-8") as record_file:
        json.dump(_record, record_file, indent=1)


def command():
    return _state.get("command", "")


def args():
    return _state.get("args", {})


def params():
    return _state.get("params", {})


def results(value):
    _called("results", "results", value)


def incidents(value):
    _called("incidents", "incidents", value)


def _kept_pair(name):
    """getName and setName for one kept value: each call is recorded, and a set replaces it."""

    def get():
        _called("get" + name)
        return _kept[name]

    def set_(value):
        _called("set" + name, "set" + name, value)
        _kept[name] = value

    return get, set_


getLastRun, setLastRun = _kept_pair("LastRun")
getIntegrationContext, setIntegrationContext = _kept_pair("IntegrationContext")


def getIntegrationContextVersioned(refresh=False):
    _called("getIntegrationContextVersioned")
    return {"context": _kept["IntegrationContext"], "version": _version}


def setIntegrationContextVersioned(context, version=-1, sync=False):
    """As the server: a version other than the current one (or -1) raises ValueError."""
    global _version, _conflicts_left
    call = {"context": context, "version": version, "sync": sync, "accepted": False}
    _called("setIntegrationContextVersioned", "setIntegrationContextVersioned", call)
    if _conflicts_left > 0:
        _conflicts_left -= 1
        raise ValueError("forced version conflict")
    if version not in (-1, _version):
        raise ValueError(f"version {version} is older than the current version {_version}")
    call["accepted"] = True
    _kept["IntegrationContext"] = context
    _version += 1


if _behaviours.get("unversionedContext"):
    del getIntegrationContextVersioned, setIntegrationContextVersioned


def createIncidents(incidents, lastRun=None, userID=None):
    _called("createIncidents", "createIncidents", {"incidents": incidents, "lastRun": lastRun})
    if _behaviours.get("failCreateIncidents"):
        raise Exception(_behaviours["failCreateIncidents"])
    return [{"id": str(len(_record["createIncidents"])), "name": i.get("name")} for i in incidents]


def addEntry(id, entry, username=None, email=None, footer=None):  # noqa: A002 -- XSOAR's name
    _called("addEntry", "addEntry", {"id": id, "entry": entry})


def updateModuleHealth(error, is_error=False):
    _called("updateModuleHealth", "updateModuleHealth", {"message": error, "is_error": is_error})


def _log(level, message):
    _called(level, "logs", {"level": level, "message": message})


def info(message, *rest):
    _log("info", message)


def debug(message, *rest):
    _log("debug", message)


def error(message, *rest):
    _log("error", message)
