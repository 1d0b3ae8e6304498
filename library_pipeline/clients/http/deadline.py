"""An overall deadline per request: httpx's timeouts are per read, so a server dripping a byte
before each read timeout could hold a call for ever. Applied to the network exchange only
(below the rate limiter, so time spent waiting for a slot does not count)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx


class _DeadlineStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, deadline: float, seconds: float) -> None:
        self.inner = inner
        self.deadline = deadline
        self.seconds = seconds

    async def __aiter__(self) -> AsyncIterator[bytes]:
        iterator = self.inner.__aiter__()
        while True:
            try:
                async with asyncio.timeout_at(self.deadline):
                    chunk = await iterator.__anext__()
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise httpx.ReadTimeout(f"no complete answer within {self.seconds:g} s") from None
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()


class DeadlineTransport(httpx.AsyncBaseTransport):
    """Fails a request (as a timeout) whose answer is not complete `seconds` after it left."""

    def __init__(self, inner: httpx.AsyncBaseTransport, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        deadline = asyncio.get_running_loop().time() + self.seconds
        try:
            async with asyncio.timeout_at(deadline):
                response = await self.inner.handle_async_request(request)
        except TimeoutError:
            raise httpx.ReadTimeout(
                f"no answer within {self.seconds:g} s", request=request
            ) from None
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _DeadlineStream(response.stream, deadline, self.seconds)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
